"""The parts of ``familyprivacy notice import`` (content/importer.py): reading a council's page or
document into blocks of text (``html``, ``pdf``, ``word``, ``blocks`` for plain text), page furniture
(``furniture``), the topic a part of the notice is about (``topics``), the council's details
(``council``), fetching an https address (``fetch``) and writing the draft TOML (``stub``).

Only the readers import the optional ``import`` extra (trafilatura, pypdf, python-docx), and only
when they run: the app never loads them, and its bundle leaves them out.
"""
