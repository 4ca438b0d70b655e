#!/usr/bin/env bash
# Screenshots of the real window in presentation mode on a virtual screen.
#
#   tests/shots/shots_xvfb.sh OUTDIR WIDTHxHEIGHT LESSON...
#
# One Xvfb per call; writes OUTDIR/lesson-N-WxH.png and prints the layout
# measurements (JSON) of each. Needs Xvfb.
set -u
cd "$(dirname "$0")/../.." || exit 2
out=${1:?usage: shots_xvfb.sh OUTDIR WxH LESSON...}; size=${2:?}; shift 2
py=${PYTHON:-}
if [ -z "$py" ]; then
  if [ -x .venv/bin/python ]; then py=.venv/bin/python; else py=python3; fi
fi
command -v Xvfb >/dev/null || { echo "shots_xvfb: Xvfb missing" >&2; exit 2; }
mkdir -p "$out"
n=120; while [ -e /tmp/.X11-unix/X$n ] || [ -e /tmp/.X$n-lock ]; do n=$((n+1)); done
# -noreset: no reset (and refused connections) each time the last client leaves
Xvfb :$n -screen 0 "${size}x24" -nolisten tcp -noreset >/dev/null 2>&1 & xpid=$!
trap 'kill $xpid 2>/dev/null' EXIT
for _ in $(seq 50); do [ -e /tmp/.X11-unix/X$n ] && break; sleep 0.1; done
status=0
for lesson in "$@"; do
  DISPLAY=:$n QT_QPA_PLATFORM=xcb "$py" tests/shots/take_shot.py "$lesson" \
    "$out/lesson-$lesson-$size.png" ${SHOT_ARGS:-} || status=1
done
exit $status
