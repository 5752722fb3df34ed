#!/usr/bin/python3
# answer-on-pty.py LOG PROMPT [ANSWER]... -- COMMAND [ARG]...
#
# Runs COMMAND on a pseudo-terminal, as a user at a terminal would: each
# time PROMPT shows, types the next ANSWER and Enter. Writes everything
# the terminal showed to LOG and exits with COMMAND's status (124 when it
# did not end within 60 s). For the password prompts of pigeon-cli.
import os
import pty
import select
import signal
import sys
import time

log, prompt = sys.argv[1], sys.argv[2].encode()
split = sys.argv.index('--')
answers = [a.encode() + b'\n' for a in sys.argv[3:split]]
command = sys.argv[split + 1:]

pid, fd = pty.fork()
if pid == 0:
    os.execvp(command[0], command)
output = b''
answered = 0
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    ready, _, _ = select.select([fd], [], [], 1)
    if not ready:
        continue
    try:
        chunk = os.read(fd, 4096)
    except OSError:  # EIO: the command ended, the terminal closed
        break
    if not chunk:
        break
    output += chunk
    if output.count(prompt) > answered and answered < len(answers):
        os.write(fd, answers[answered])
        answered += 1
else:
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    open(log, 'wb').write(output)
    sys.exit(124)
_, status = os.waitpid(pid, 0)
open(log, 'wb').write(output)
sys.exit(os.waitstatus_to_exitcode(status))
