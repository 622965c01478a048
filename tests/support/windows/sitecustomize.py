"""Imported first by every Python process of a test that plays Windows (this folder on
PYTHONPATH): the tool then meets only what Windows has. CI has no Windows machine.

- no `fcntl` (nor `pwd`, `grp`, `termios`, `resource`): `import fcntl` fails as there;
- `msvcrt.locking`, Windows' lock of a range of bytes, stands in for it (made here from
  POSIX record locks, which, like Windows' locks, a child process never holds);
- the `signal` module has only Windows' signals and functions: no SIGKILL, no SIGHUP,
  no alarm();
- `os` has no fork(), killpg(), setsid()…, and processes start by `spawn`, Windows'
  only way.

The standard library's own POSIX code (multiprocessing's process starts, subprocess)
was imported before and keeps what it needs: only the code imported after, the tool's,
sees the Windows-like modules.
"""

import concurrent.futures.process  # noqa: F401
import fcntl as _posix_fcntl
import multiprocessing
import multiprocessing.popen_fork  # imported before the tool's code, see above
import multiprocessing.popen_spawn_posix  # imported before the tool's code, see above
import multiprocessing.resource_tracker  # imported before the tool's code, see above
import os
import signal
import subprocess  # noqa: F401
import sys
import types

WINDOWS_SIGNAL_NAMES = {
    "SIGABRT", "SIGFPE", "SIGILL", "SIGINT", "SIGSEGV", "SIGTERM", "SIGBREAK",
    "CTRL_C_EVENT", "CTRL_BREAK_EVENT", "SIG_DFL", "SIG_IGN", "NSIG", "Signals",
    "Handlers", "signal", "getsignal", "default_int_handler", "raise_signal",
    "set_wakeup_fd", "strsignal", "valid_signals",
}
POSIX_ONLY_OS = ("fork", "forkpty", "killpg", "setsid", "setpgid", "getpgid", "getuid",
                 "geteuid", "sched_getaffinity", "register_at_fork")


def _windows_signal() -> types.ModuleType:
    module = types.ModuleType("signal", signal.__doc__)
    for name in dir(signal):
        if name in WINDOWS_SIGNAL_NAMES or name.startswith("__"):
            setattr(module, name, getattr(signal, name))
    return module


def _msvcrt() -> types.ModuleType:
    module = types.ModuleType("msvcrt", "Windows' msvcrt, as far as the tool uses it.")
    module.LK_UNLCK, module.LK_LOCK, module.LK_NBLCK = 0, 1, 2

    def locking(fd: int, mode: int, nbytes: int) -> None:
        """Lock or unlock `nbytes` from the current position; OSError when taken."""
        start = os.lseek(fd, 0, os.SEEK_CUR)
        operation = {module.LK_UNLCK: _posix_fcntl.LOCK_UN,
                     module.LK_LOCK: _posix_fcntl.LOCK_EX,
                     module.LK_NBLCK: _posix_fcntl.LOCK_EX | _posix_fcntl.LOCK_NB}[mode]
        try:
            _posix_fcntl.lockf(fd, operation, nbytes, start)
        except BlockingIOError:
            raise PermissionError(13, "Permission denied") from None

    module.locking = locking
    return module


# register_at_fork is used at import time by a few modules (random, threading…),
# already imported: removing it afterwards only hides it from the tool.
for _name in POSIX_ONLY_OS:
    if hasattr(os, _name):
        delattr(os, _name)
for _name in ("fcntl", "pwd", "grp", "termios", "resource", "tty", "pty"):
    sys.modules[_name] = None  # « import fcntl » raises ImportError
sys.modules["msvcrt"] = _msvcrt()
sys.modules["signal"] = _windows_signal()
multiprocessing.set_start_method("spawn", force=True)
