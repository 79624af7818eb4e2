from familyprivacy.cli import main

raise SystemExit(main())
