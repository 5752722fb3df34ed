#!/usr/bin/python3
# check-potfiles.py SOURCE_ROOT — po/POTFILES.in must list exactly the
# files that hold translatable strings: a missing one means strings that
# never reach translators, a stale one breaks the pot target. Also: no
# translatable string may hold a G_G*_FORMAT macro, which xgettext cannot
# expand: it cuts the msgid at the macro ("Imported %"), and no
# translation ever matches the whole string at run time.
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1])
C_MARKS = re.compile(r'(?<![A-Za-z0-9_])(_|N_|C_|NC_|Q_|g_dngettext|ngettext)\s*\(')
UI_MARK = re.compile(r'translatable="yes"')
LITERAL = r'"(?:[^"\\\n]|\\.)*"'
FORMAT_IN_MARK = re.compile(
    r'(?<![A-Za-z0-9_])(?:_|N_|C_|NC_|Q_|g_dngettext|ngettext)\s*\('
    r'(?:[^()";]|' + LITERAL + r')*?' + LITERAL + r'\s*G_G[A-Z0-9]+_FORMAT')

def has_strings(path: pathlib.Path) -> bool:
    text = path.read_text(encoding='utf-8', errors='replace')
    if path.suffix in ('.c', '.h'):
        return bool(C_MARKS.search(text))
    if path.suffix == '.ui':
        return bool(UI_MARK.search(text))
    # desktop, metainfo and schema files are always translatable
    return True

candidates = set()
for pattern in ('src/**/*.c', 'src/**/*.h', 'src/**/*.ui'):
    candidates.update(p for p in root.glob(pattern))
for pattern in ('data/*.desktop.in', 'data/*.metainfo.xml.in', 'data/*.gschema.xml'):
    candidates.update(root.glob(pattern))

needed = {str(p.relative_to(root)) for p in candidates if has_strings(p)}
listed = set()
for line in (root / 'po' / 'POTFILES.in').read_text().splitlines():
    line = line.strip()
    if line and not line.startswith('#'):
        listed.add(line)

status = 0
for path in sorted(needed):
    text = (root / path).read_text(encoding='utf-8', errors='replace')
    for match in FORMAT_IN_MARK.finditer(text):
        line = text.count('\n', 0, match.end()) + 1
        print(f'potfiles: {path}:{line}: a G_G*_FORMAT macro in a translatable '
              'string; format the number first and use %s')
        status = 1
for path in sorted(needed - listed):
    print(f'potfiles: {path} has translatable strings but is not in po/POTFILES.in')
    status = 1
for path in sorted(listed):
    if not (root / path).exists():
        print(f'potfiles: po/POTFILES.in lists {path}, which does not exist')
        status = 1
    elif path not in needed:
        print(f'potfiles: po/POTFILES.in lists {path}, which has no translatable strings')
        status = 1
if status == 0:
    print(f'potfiles: ok ({len(listed)} files)')
sys.exit(status)
