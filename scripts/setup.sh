#!/usr/bin/env bash
# One-time set-up on Debian/Ubuntu: system libraries, a .venv in the repo root, the package.
# Without apt-get (macOS, Windows, other Linux) it says which libraries to install, and how.
# Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages: FluidSynth, the libraries a real Qt window needs, Xvfb for screenshots;
# for the tests: a private D-Bus session bus and its clients (MPRIS: dbus-daemon, dbus-send,
# dbus-monitor, playerctl) and the validators of the desktop entry and AppStream metainfo;
# PulseAudio and its clients, for the test that records live playback from a null sink.
APT_PKGS=(libfluidsynth3 libxcb-cursor0 libxkbcommon-x11-0 libxkbcommon0 libegl1 libgl1
          libfontconfig1 libdbus-1-3 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
          libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1
          libxrender1 libxi6 libglib2.0-0 libasound2 xvfb xauth
          dbus dbus-daemon dbus-bin playerctl desktop-file-utils appstream
          pulseaudio pulseaudio-utils)
# Without apt-get: the libraries by file name, each with its Fedora (dnf) and Arch (pacman)
# package; the player itself needs only FluidSynth, a window the Qt ones.
NON_APT_LIBS=(
  "libfluidsynth.so.3 fluidsynth-libs fluidsynth"
  "libxcb-cursor.so.0 xcb-util-cursor xcb-util-cursor"
  "libxkbcommon-x11.so.0 libxkbcommon-x11 libxkbcommon-x11"
  "libxcb-icccm.so.4 xcb-util-wm xcb-util-wm"
  "libxcb-image.so.0 xcb-util-image xcb-util-image"
  "libxcb-keysyms.so.1 xcb-util-keysyms xcb-util-keysyms"
  "libxcb-render-util.so.0 xcb-util-renderutil xcb-util-renderutil"
  "libEGL.so.1 libglvnd-egl libglvnd"
  "libGL.so.1 libglvnd-glx libglvnd")
PY=${PYTHON:-python3}
has_fluidsynth() {
  "$PY" -c 'import ctypes.util, sys; sys.exit(ctypes.util.find_library("fluidsynth") is None)' \
    2>/dev/null
}
if ! command -v apt-get >/dev/null; then
  case "$(uname -s)" in
    Darwin)
      has_fluidsynth || echo "setup: no apt-get; install FluidSynth with Homebrew:" \
        "brew install fluid-synth" >&2 ;;
    MINGW*|MSYS*|CYGWIN*)
      has_fluidsynth || echo "setup: no apt-get; download FluidSynth's release for Windows" \
        "and put its bin folder (libfluidsynth-3.dll) on PATH" >&2 ;;
    *)
      libs=(); dnf=(); pacman=()
      ldcache=$( (ldconfig -p || /sbin/ldconfig -p) 2>/dev/null || true)
      for entry in "${NON_APT_LIBS[@]}"; do
        read -r lib fedora arch <<<"$entry"
        if ! grep -qF "$lib" <<<"$ldcache"; then
          libs+=("$lib"); dnf+=("$fedora"); pacman+=("$arch")
        fi
      done
      if [ ${#libs[@]} -gt 0 ]; then
        mapfile -t dnf < <(printf '%s\n' "${dnf[@]}" | sort -u)
        mapfile -t pacman < <(printf '%s\n' "${pacman[@]}" | sort -u)
        echo "setup: no apt-get, and these libraries are missing: ${libs[*]}" >&2
        echo "setup: Fedora: sudo dnf install ${dnf[*]}" >&2
        echo "setup: Arch: sudo pacman -S ${pacman[*]}" >&2
        echo "setup: elsewhere: the packages that provide those files" >&2
      fi ;;
  esac
fi

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
  fi
fi

# Python environment. torch (training and the tests only; the player runs the model in numpy)
# is pinned to the CPU build: a bare "torch" pulls CUDA.
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
