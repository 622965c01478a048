"""Imported first by every Python process of a test that plays Windows (this folder on
PYTHONPATH): the tool then meets only what Windows has, and what Windows does. CI has
no Windows machine.

- no `fcntl` (nor `pwd`, `grp`, `termios`, `resource`): `import fcntl` fails as there;
- `msvcrt.locking`, Windows' lock of a range of bytes, stands in for it (made here from
  POSIX record locks, which, like Windows' locks, a child process never holds);
- the `signal` module has only Windows' signals and functions: no SIGKILL, no SIGHUP,
  no alarm();
- `os` has no fork(), killpg(), setsid()…, no O_NOFOLLOW nor O_NONBLOCK, and processes
  start by `spawn`, Windows' only way;
- `os` has O_BINARY and O_TEXT, and a descriptor that `os.open` opened for writing
  without O_BINARY is in text mode, as on Windows: each LF written through it (by
  `os.write`, or a file object `os.fdopen` or `open` made of it) becomes CR LF. (`open`
  given a name opens in binary, as Python does on Windows.);
- a file or folder named after a device (`con`, `aux`, `nul`, `prn`, `com1`…`com9`,
  `lpt1`…`lpt9`, whatever follows the first dot, in any case) cannot be created;
- names are case-insensitive: a name written in another case than the file's finds it
  (the last part of a path, as far as `os` and `open` are concerned).

The standard library's own POSIX code (multiprocessing's process starts, subprocess)
was imported before and keeps what it needs: only the code imported after, the tool's,
sees the Windows-like modules.
"""

import builtins
import concurrent.futures.process  # noqa: F401
import errno
import fcntl as _posix_fcntl
import io
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
                 "geteuid", "sched_getaffinity", "register_at_fork", "O_NOFOLLOW",
                 "O_NONBLOCK")
O_BINARY, O_TEXT = 0x8000, 0x4000  # msvcrt's values
DEVICES = {"con", "prn", "aux", "nul", *(f"{port}{n}" for port in ("com", "lpt")
                                         for n in range(1, 10))}


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


class _TextModeFile(io.RawIOBase):
    """A descriptor in text mode, written through: LF becomes CR LF."""

    def __init__(self, descriptor: int) -> None:
        self.descriptor = descriptor

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:  # type: ignore[override]
        _write(self.descriptor, bytes(data))
        return len(data)

    def fileno(self) -> int:
        return self.descriptor

    def close(self) -> None:
        if not self.closed:
            _os_close(self.descriptor)
        super().close()


_text_mode: set[int] = set()
_os_open, _os_write, _os_close, _io_open = os.open, os.write, os.close, io.open
_os_stat, _os_lstat, _os_mkdir = os.stat, os.lstat, os.mkdir
_os_replace, _os_rename, _os_unlink = os.replace, os.rename, os.unlink


def _windows_path(path):
    """`path` with its last part written as the file it names, whatever the case; an
    OSError for a device's name."""
    if isinstance(path, int):
        return path
    text = os.fsdecode(path)
    folder, name = os.path.split(text)
    if name.split(".")[0].rstrip(" ").lower() in DEVICES:
        raise OSError(errno.EINVAL, "Invalid argument (a device's name on Windows)", text)
    if name and not _exists(text):
        try:
            same = [entry for entry in os.listdir(folder or ".")
                    if entry.lower() == name.lower()]
        except OSError:
            same = []
        if same:
            return os.path.join(folder, same[0])
    return text


def _exists(path: str) -> bool:
    try:
        _os_lstat(path)
    except OSError:
        return False
    return True


def _write(descriptor: int, data: bytes) -> int:
    if descriptor in _text_mode:
        _os_write(descriptor, bytes(data).replace(b"\n", b"\r\n"))
        return len(data)
    return _os_write(descriptor, data)


def _open(path, flags, mode=0o777, *, dir_fd=None):
    descriptor = _os_open(_windows_path(path), flags & ~(O_BINARY | O_TEXT), mode,
                          dir_fd=dir_fd)
    if flags & (os.O_WRONLY | os.O_RDWR) and not flags & O_BINARY:
        _text_mode.add(descriptor)
    return descriptor


def _close(descriptor: int) -> None:
    _text_mode.discard(descriptor)
    _os_close(descriptor)


def _io_open_windows(file, mode="r", buffering=-1, encoding=None, errors=None,
                     newline=None, closefd=True, opener=None):
    if isinstance(file, int) and file in _text_mode and "b" in mode:
        raw = _TextModeFile(file)
        return raw if buffering == 0 else io.BufferedWriter(raw)
    if not isinstance(file, int):
        file = _windows_path(file)
    return _io_open(file, mode, buffering, encoding, errors, newline, closefd, opener)


def _fdopen(descriptor: int, mode: str = "r", buffering: int = -1, *args, **kwargs):
    return _io_open_windows(descriptor, mode, buffering, *args, **kwargs)


def _one_path(function):
    def windows(path, *args, **kwargs):
        return function(_windows_path(path), *args, **kwargs)
    return windows


def _two_paths(function):
    def windows(source, target, *args, **kwargs):
        return function(_windows_path(source), _windows_path(target), *args, **kwargs)
    return windows


os.O_BINARY, os.O_TEXT = O_BINARY, O_TEXT
os.open, os.write, os.close, os.fdopen = _open, _write, _close, _fdopen
io.open = builtins.open = _io_open_windows
os.stat, os.lstat = _one_path(_os_stat), _one_path(_os_lstat)
os.mkdir, os.unlink = _one_path(_os_mkdir), _one_path(_os_unlink)
os.replace, os.rename = _two_paths(_os_replace), _two_paths(_os_rename)

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
