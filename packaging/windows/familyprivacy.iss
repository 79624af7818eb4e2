; Inno Setup script: a Windows installer for the one-folder bundle.
;
;   1. On Windows: make bundle   (or .venv\Scripts\pyinstaller --noconfirm packaging\familyprivacy.spec)
;   2. iscc /DAppVersion=0.1.0 packaging\windows\familyprivacy.iss
;
; Output: dist\FamilyPrivacy-<version>-setup.exe. Installs per machine under Program Files
; (council IT deploys it); each worker's records stay in their own user data folder.
; For a portable copy instead, unzip dist\familyprivacy and put portable.txt beside FamilyPrivacy.exe.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "Family Privacy"
#define BundleDir "..\..\dist\familyprivacy"

[Setup]
AppId={{5E0F3F7C-8A53-4E0B-9C55-3B1C2A9F6D21}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=Family Privacy
DefaultDirName={autopf}\Family Privacy
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=FamilyPrivacy-{#AppVersion}-setup
SetupIconFile=..\icons\familyprivacy.ico
UninstallDisplayIcon={app}\FamilyPrivacy.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
MinVersion=10.0

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\FamilyPrivacy.exe"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\FamilyPrivacy.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Run]
; IT can check an installation silently: familyprivacy-cli.exe --self-test exits 0 when all is well.
Filename: "{app}\FamilyPrivacy.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only the program folder: records live in the worker's data folder and are never removed by an uninstall.
Type: filesandordirs; Name: "{app}\_internal"
