"""The scan of the measures folder (scan_records; catalog.py reads it too), and the same
scan started in a forked child while this process goes on importing (`ftz index`: Prescan).

This module imports nothing of the project and nothing heavy, so that `ftz index` can fork
before it imports the record models, Whoosh and numpy: at 100,000 records the scan's stat
calls (about 0.2 s) then run beside those imports on the machine's second core. The child's
answer is the plain scan's, marshalled through a pipe; on any failure (no fork, a child that
died or raised, a short or unreadable answer, another folder) the scan is made here instead,
so what a build gets is always exactly scan_records' answer for the folder.
"""

from __future__ import annotations

import fcntl
import marshal
import os
import select
import signal


def scan_records(root, others: list[str] | None = None) -> list[tuple[str, int, int]]:
    """(name, mtime_ns, size) of every record file, in the folder's own order (stable while
    no file is added, removed or renamed): one directory scan, one stat per file and no
    Path objects (at 100,000 records, building and stat-ing Paths was most of an `ftz
    index` that found nothing to do). Each file is stat-ed by its name relative to the open
    folder (fstatat), not by its whole path as DirEntry.stat() does. `others`, given, gets
    the names of the folder's other entries but those named *.md that are not folders (what
    the taxonomy is read from: engine/taxonomycache.py), so that the folder is listed once."""
    out = []
    folder = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        stat = os.stat
        with os.scandir(folder) as entries:
            for entry in entries:
                name = entry.name
                if name.endswith(".md"):
                    if entry.is_file():
                        st = stat(name, dir_fd=folder)
                        out.append((name, st.st_mtime_ns, st.st_size))
                    elif others is not None and entry.is_dir():
                        others.append(name)
                elif others is not None:
                    others.append(name)
    finally:
        os.close(folder)
    return out


PIPE_SIZE = 1 << 20  # Linux's default limit for a process without privileges


class FolderScan:
    """A scan of the folder: `blob`, the marshal.dumps of its files ((name, mtime_ns, size)
    in the folder's order, as the build keeps it in the manifest), their `count`, and
    `files` itself, unmarshalled when first asked for. `ahead`: what the child computed
    from the files beside the scan (Prescan's `then`), or None."""

    def __init__(self, blob: bytes, count: int, files: list | None = None, ahead=None):
        self.blob, self.count, self._files, self.ahead = blob, count, files, ahead

    @property
    def files(self) -> list[tuple[str, int, int]]:
        if self._files is None:
            self._files = marshal.loads(self.blob)
        return self._files


def scan_with_blob(root, others: list[str] | None = None) -> FolderScan:
    """scan_records(root, others) with its blob."""
    files = scan_records(root, others)
    return FolderScan(marshal.dumps(files), len(files), files)


class Prescan:
    """scan_with_blob(root, others) begun in a forked child; called like it, it answers
    with the child's scan (the blob as the child made it: the same bytes as this process's
    marshal.dumps of its own scan would be, which a dumps of the unmarshalled list is not),
    or makes the scan itself when the child's is not to be had. `then(files)`, given, runs
    in the child after the scan; its answer (marshallable) is the scan's `ahead`. Call it
    or close() once: either reaps the child (no zombie is left)."""

    def __init__(self, root, then=None):
        self.root = os.fspath(root)
        self.pid: int | None = None
        self.fd: int | None = None
        try:
            read, write = os.pipe()
        except OSError:
            return
        try:  # room for the answer (4 MB at 100,000 records) in fewer turns of both processes
            fcntl.fcntl(write, fcntl.F_SETPIPE_SZ, PIPE_SIZE)
        except (OSError, AttributeError):  # above the system's limit, or not Linux: as it is
            pass
        try:
            pid = os.fork()
        except OSError:
            os.close(read)
            os.close(write)
            return
        if pid == 0:  # the child: scan, answer, and leave without running the parent's exit code
            code = 1
            try:
                os.close(read)
                others: list[str] = []
                found = scan_with_blob(self.root, others)
                ahead = then(found.files) if then is not None else None
                answer = memoryview(marshal.dumps((found.blob, found.count, others, ahead)))
                while answer:
                    answer = answer[os.write(write, answer):]
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        self.pid, self.fd = pid, read

    def ready(self) -> bool:
        """Whether the child's answer (or its end) can be read without waiting."""
        return self.fd is None or bool(select.select([self.fd], [], [], 0)[0])

    def meanwhile(self, steps) -> None:
        """Take the steps of an iterator (imports the build makes anyway when anything
        changed) until the child's answer is ready: they cost no wait."""
        while not self.ready():
            if next(steps, self) is self:
                return

    def __call__(self, root, others: list[str] | None = None) -> FolderScan:
        found = self._collect() if os.fspath(root) == self.root else None
        self.close()
        if found is None:
            return scan_with_blob(root, others)
        scan, names = found
        if others is not None:
            others.extend(names)
        return scan

    def _collect(self) -> tuple[FolderScan, list] | None:
        if self.fd is None:
            return None
        chunks = []
        try:
            while chunk := os.read(self.fd, 1 << 20):
                chunks.append(chunk)
        except OSError:
            return None
        if self._reap() != 0:
            return None
        try:
            blob, count, names, ahead = marshal.loads(b"".join(chunks))
        except (EOFError, ValueError, TypeError):
            return None
        if not (isinstance(blob, bytes) and isinstance(count, int) and isinstance(names, list)):
            return None
        return FolderScan(blob, count, None, ahead), names

    def _reap(self) -> int | None:
        pid, self.pid = self.pid, None
        if pid is None:
            return None
        try:
            return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        except ChildProcessError:  # reaped elsewhere (SIGCHLD ignored): its answer is not trusted
            return None

    def close(self) -> None:
        """Stop listening: a child whose answer was not read is ended (it only reads the
        folder and the manifest) rather than waited for; it is reaped."""
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
            if self.pid is not None:
                try:
                    os.kill(self.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        self._reap()
