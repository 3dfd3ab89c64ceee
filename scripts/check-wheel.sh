#!/usr/bin/env bash
# The wheel as an operator installs it, dependencies from the package index:
# build from a copy without compiled catalogues, install into a fresh virtual environment,
# make its site-packages read-only, then `flask db upgrade`, `flask academy init`,
# `flask academy demo` and GET /healthz with INSTANCE_PATH in a temporary folder.
# Usage: bash scripts/check-wheel.sh [WORKDIR]   (make check-wheel)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=${1:-$(mktemp -d)}
python=${PYTHON:-python3}
mkdir -p "$work/src"
for name in academy courses talent reports api pyproject.toml setup.py README.md babel.cfg; do
  cp -r "$name" "$work/src/"
done
find "$work/src" \( -name '*.mo' -o -name '__pycache__' -o -name '*.egg-info' \) -prune -exec rm -rf {} +
"$python" -m pip wheel --no-deps -q -w "$work/wheel" "$work/src"
wheel=$(ls "$work"/wheel/digitalakademie-*.whl)
"$python" - "$wheel" <<'PY'
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
need = ["academy/translations/de/LC_MESSAGES/messages.mo", "academy/demo/city.toml",
        "academy/demo/departments.csv", "academy/migrations/env.py"]
missing = [n for n in need if n not in names]
kinds = {k: sum(k in n for n in names) for k in ("/templates/", "/static/", "/seed/", "/migrations/versions/")}
print("wheel:", sys.argv[1], len(names), "files;", kinds)
if missing or not all(kinds.values()):
    sys.exit(f"missing in the wheel: {missing} {kinds}")
PY
rm -rf "$work/venv"
"$python" -m venv "$work/venv"
"$work/venv/bin/pip" install -q "$wheel"
site=$("$work/venv/bin/python" -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")
chmod -R a-w "$site"
before=$(find "$site" -type f -printf '%p %s %T@\n' | sort | sha256sum)
export INSTANCE_PATH="$work/instance" FLASK_APP=academy:create_app PYTHONDONTWRITEBYTECODE=1
unset DATABASE_URL
run() {
  if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null; then
    # root ignores file modes: a read-only bind mount in a private mount namespace
    unshare -m --propagation private sh -c \
      "mount --bind '$site' '$site' && mount -o remount,ro,bind '$site' '$site' && $*"
  else
    sh -c "$*"
  fi
}
flask="$work/venv/bin/python -m flask"
run "$flask db upgrade && $flask academy init && $flask academy demo"
run "$work/venv/bin/python -c \"
from academy import create_app
r = create_app().test_client().get('/healthz')
print('healthz', r.status_code, r.get_json())
assert r.status_code == 200
\""
after=$(find "$site" -type f -printf '%p %s %T@\n' | sort | sha256sum)
[ "$before" = "$after" ] || { echo "the installed package was changed" >&2; exit 1; }
chmod -R u+w "$work/venv"
echo "check-wheel: passed ($work)"
