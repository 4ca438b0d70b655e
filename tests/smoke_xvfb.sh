#!/usr/bin/env bash
# Smoke test of the real window on a virtual X screen (the xcb platform, not
# offscreen): start `python main.py`, wait for a window named "Procession",
# press Run (F5), close it with Ctrl+Q (SIGTERM if that does not work), and
# check that the app exits 0 within 10 s and leaves no process behind.
#
#   tests/smoke_xvfb.sh            (from anywhere; uses .venv/bin/python if present)
#   PYTHON=python3 tests/smoke_xvfb.sh
#   tests/smoke_xvfb.sh PROGRAM.py [SHOT.png]
#
# With a program (a lesson program: trusted, so Run asks nothing) the run is
# left to end: the window's title says "(running)" while it runs. Then the
# screen is photographed (ImageMagick's import) and the picture must show the
# run: many colours, and the running bars' sky blue over a real area.
#
# Needs: Xvfb, xdotool (and import for a program). Exits 0 on success,
# non-zero with a message otherwise.
set -u
cd "$(dirname "$0")/.." || exit 2
program=${1:-}
shot=${2:-}

fail() { echo "smoke_xvfb: FAIL: $*" >&2; [ -s "$log" ] && sed 's/^/  app: /' "$log" >&2; exit 1; }

py=${PYTHON:-}
if [ -z "$py" ]; then
  if [ -x .venv/bin/python ]; then py=.venv/bin/python; else py=python3; fi
fi
tools="Xvfb xdotool"
[ -n "$program" ] && tools="$tools import"
for tool in $tools; do
  command -v "$tool" >/dev/null || { echo "smoke_xvfb: $tool is missing (apt-get install -y xvfb xdotool imagemagick)" >&2; exit 2; }
done

log=$(mktemp /tmp/procession-smoke.XXXXXX.log)
mark="procession-smoke-$$-$RANDOM"
xpid="" app=""
cleanup() {
  [ -n "$app" ] && kill -KILL "$app" 2>/dev/null
  [ -n "$xpid" ] && kill "$xpid" 2>/dev/null
  rm -f "$log"
  [ -n "$own_shot" ] && rm -f "$shot"
}
own_shot=""
if [ -n "$program" ] && [ -z "$shot" ]; then
  shot=$(mktemp /tmp/procession-smoke.XXXXXX.png) own_shot=1
fi
trap cleanup EXIT

# A free display: no socket and no lock file.
n=100
while [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ]; do n=$((n + 1)); done
# -noreset: a server that resets when its last client (xdotool, import)
# leaves refuses the clients that connect meanwhile.
Xvfb ":$n" -screen 0 1280x800x24 -nolisten tcp -noreset >/dev/null 2>&1 &
xpid=$!
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$n" ] && break; sleep 0.1; done
[ -e "/tmp/.X11-unix/X$n" ] || fail "Xvfb did not start on :$n"

export DISPLAY=":$n"
# The mark goes to the app only (and so to everything it starts).
QT_QPA_PLATFORM=xcb PROCESSION_SMOKE_MARK="$mark" "$py" main.py ${program:+"$program"} >"$log" 2>&1 &
app=$!

# Wait (at most 15 s) for the window.
win=""
for _ in $(seq 150); do
  kill -0 "$app" 2>/dev/null || { wait "$app"; fail "the app exited early (status $?)"; }
  win=$(xdotool search --name Procession 2>/dev/null | head -1)
  [ -n "$win" ] && break
  sleep 0.1
done
[ -n "$win" ] || fail "no window named Procession within 15 s"
# The window exists before the first lesson is in it (title "Procession"):
# keys pressed then can land nowhere. Wait (at most 10 s) for the lesson.
for _ in $(seq 100); do
  case "$(xdotool getwindowname "$win" 2>/dev/null)" in *" — "*) break;; esac
  sleep 0.1
done
echo "smoke_xvfb: window $win is up: $(xdotool getwindowname "$win" 2>/dev/null)"

# Press Run (F5) so that closing has workers to stop, then close it like a
# user: Ctrl+Q. Fall back to SIGTERM after 5 s.
xdotool windowfocus --sync "$win" >/dev/null 2>&1 || true
xdotool key --clearmodifiers F5 >/dev/null 2>&1 || true
if [ -n "$program" ]; then
  title() { xdotool getwindowname "$win" 2>/dev/null; }
  for _ in $(seq 100); do
    case "$(title)" in *"(running)"*) break;; esac
    sleep 0.1
  done
  case "$(title)" in *"(running)"*) ;; *) fail "F5 did not start a run within 10 s (title: $(title))";; esac
  started=$(date +%s.%N)
  for _ in $(seq 300); do
    case "$(title)" in *"(running)"*|*"(stopping)"*) sleep 0.1;; *) break;; esac
  done
  case "$(title)" in *"(running)"*|*"(stopping)"*) fail "the run did not end within 30 s";; esac
  ran=$(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $started }")
  sleep 0.5  # the final paint
  import -window root "$shot" || fail "import could not photograph the screen"
  seen=$("$py" -m tests.shot_colours "$shot") || fail "the screenshot does not show the run: $seen"
  echo "smoke_xvfb: the program ran for $ran s; $seen"
else
  sleep 0.7
fi
xdotool key --clearmodifiers ctrl+q >/dev/null 2>&1 || true
how="Ctrl+Q"
closed_at=$(date +%s.%N)
for i in $(seq 100); do
  kill -0 "$app" 2>/dev/null || break
  if [ "$i" = 50 ]; then how="SIGTERM (Ctrl+Q did not close it)"; kill -TERM "$app" 2>/dev/null; fi
  sleep 0.1
done
if kill -0 "$app" 2>/dev/null; then
  fail "the app did not exit within 10 s of $how"
fi
wait "$app"
status=$?
app=""
took=$(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $closed_at }")
[ "$status" = 0 ] || fail "the app exited with status $status after $how"

# Nothing of it may remain: look for the marker in every process's environment.
sleep 0.2
left=$(grep -l -s -a "PROCESSION_SMOKE_MARK=$mark" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3 || true)
if [ -n "$left" ]; then
  for pid in $left; do kill -KILL "$pid" 2>/dev/null; done
  fail "processes left behind: $left"
fi
echo "smoke_xvfb: OK: window shown and closed with $how (exit in $took s); status 0; nothing left behind"
exit 0
