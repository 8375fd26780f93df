#!/usr/bin/env bash
# One-time set-up on Debian/Ubuntu: system libraries, a .venv in the repo root, the package.
# Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages: FluidSynth, the libraries a real Qt window needs, Xvfb for screenshots.
APT_PKGS=(libfluidsynth3 libxcb-cursor0 libxkbcommon-x11-0 libxkbcommon0 libegl1 libgl1
          libfontconfig1 libdbus-1-3 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
          libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1
          libxrender1 libxi6 libglib2.0-0 libasound2 xvfb xauth)
missing=()
for p in "${APT_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    echo "setup: installing system packages: ${missing[*]}"
    $SUDO apt-get update -qq || true
    # Package names moved between releases (e.g. libasound2t64); install what exists.
    installable=()
    for p in "${missing[@]}"; do
      apt-cache show "$p" >/dev/null 2>&1 && installable+=("$p") \
        || echo "setup: note: apt has no package $p, skipped"
    done
    [ ${#installable[@]} -gt 0 ] && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
      --no-install-recommends "${installable[@]}" >/dev/null
  else
    echo "setup: no apt-get; please install: ${missing[*]}" >&2
  fi
fi

# Python environment. torch (training and the tests only; the player runs the model in numpy)
# is pinned to the CPU build: a bare "torch" pulls CUDA.
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
stamp=.venv/.smootify-setup
want="$(sha1sum pyproject.toml | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: installing Python packages into .venv (log: .venv/setup.log)"
  {
    .venv/bin/python -m pip install -q --upgrade pip &&
    .venv/bin/python -m pip install -q "torch==2.13.0" &&
    .venv/bin/python -m pip install -q -e ".[train,test]"
  } > .venv/setup.log 2>&1 || { tail -30 .venv/setup.log >&2; exit 1; }
  echo "$want" > "$stamp"
fi
