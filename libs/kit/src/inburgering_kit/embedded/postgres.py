"""A real PostgreSQL cluster as a child process (pgserver's binaries), for `make run` and the test suite."""

from __future__ import annotations

import contextlib
import hashlib
import locale
import os
import shlex
import stat
import subprocess
import tempfile
import threading
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import psutil

from inburgering_kit.embedded._process import (
    START_TIMEOUT_S,
    STOP_TIMEOUT_S,
    Server,
    ensure_port_free,
    log_tail,
    process_if_alive,
)

with warnings.catch_warnings():
    # Importing pgserver computes a runtime dir through platformdirs, which warns when XDG_RUNTIME_DIR is
    # unset (containers, CI); the test suite turns warnings into errors, and we never use that dir.
    warnings.simplefilter("ignore")
    from pgserver._commands import POSTGRES_BIN_PATH
    from pgserver.utils import ensure_folder_permissions, ensure_prefix_permissions, ensure_user_exists

_PG_SYSTEM_USER = "pgserver"  # the same account pgserver itself uses, so both can share a machine
_PG_SUPERUSER = "postgres"
# sun_path is 108 bytes on Linux and 104 on macOS, including the terminating NUL.
_SOCKET_PATH_MAX = 103


@dataclass(frozen=True)
class _Postmaster:
    """What PostgreSQL wrote into PGDATA/postmaster.pid; the status line appears only once it is up."""

    pid: int
    port: int | None
    listen: str
    status: str

    @classmethod
    def read(cls, data_dir: Path) -> _Postmaster | None:
        try:
            lines = (data_dir / "postmaster.pid").read_text().splitlines()
        except (FileNotFoundError, NotADirectoryError):
            return None
        fields = [line.strip() for line in lines] + [""] * 8
        try:
            pid = int(fields[0])
        except ValueError:
            pid = 0
        port = int(fields[3]) if fields[3].isdigit() else None
        return cls(pid=pid, port=port, listen=fields[5], status=fields[7])


class _PgAccount:
    """The OS account PostgreSQL runs under: the current one, or a dedicated one when we are root."""

    _prepared_binaries = False
    _lock = threading.Lock()

    def __init__(self) -> None:
        # postgres refuses to run as root, so root hands the server to an unprivileged system user.
        if os.name == "posix" and os.geteuid() == 0:
            entry = ensure_user_exists(_PG_SYSTEM_USER)
            if entry is None:
                raise RuntimeError(f"could not create system user {_PG_SYSTEM_USER!r} for PostgreSQL")
            self.uid: int | None = entry.pw_uid
            self.gid: int | None = entry.pw_gid
        else:
            self.uid = None
            self.gid = None

    @property
    def switches(self) -> bool:
        return self.uid is not None

    def prepare_binaries(self) -> None:
        if not self.switches:
            return
        with self._lock:
            if _PgAccount._prepared_binaries:
                return
            read = stat.S_IRGRP | stat.S_IROTH
            execute = stat.S_IXGRP | stat.S_IXOTH
            ensure_prefix_permissions(POSTGRES_BIN_PATH)
            ensure_folder_permissions(POSTGRES_BIN_PATH, read | execute)
            install = POSTGRES_BIN_PATH.parent
            for sub in ("lib", "share"):
                if (install / sub).exists():
                    ensure_folder_permissions(install / sub, read)
            _PgAccount._prepared_binaries = True

    def own_private_dir(self, path: Path) -> None:
        """Make `path` a 0700 directory of the server account, refusing one that someone else controls."""
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = path.lstat()
        if not stat.S_ISDIR(info.st_mode):
            raise RuntimeError(f"{path} must be a directory, not a symlink or file")
        if self.uid is not None and self.gid is not None:
            ensure_prefix_permissions(path)
            os.chown(path, self.uid, self.gid)
        elif info.st_uid != os.geteuid():
            raise RuntimeError(f"{path} belongs to uid {info.st_uid}, not to us; PostgreSQL cannot use it")
        path.chmod(0o700)

    def run(self, args: list[str], cwd: Path, timeout: float) -> subprocess.CompletedProcess[str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
        # Temporary files instead of pipes: the postmaster that pg_ctl forks would keep a pipe open and
        # make communicate() hang until the server stops.
        with tempfile.TemporaryFile("w+") as out:
            result = subprocess.run(  # noqa: S603 - fixed binaries, arguments built here
                args,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                text=True,
                cwd=cwd,
                env=env,
                timeout=timeout,
                check=False,
                # Own session: a Ctrl-C meant for the parent must not reach the server before stop().
                start_new_session=True,
                user=self.uid,
                group=self.gid,
                # Otherwise the server would keep root's supplementary groups.
                extra_groups=[] if self.switches else None,
            )
            out.seek(0)
            result.stdout = out.read()
        return result


def _initdb_locale_args() -> list[str]:
    # Byte-order collation keeps tests deterministic across machines; a UTF-8 ctype still lets
    # lower()/upper()/ILIKE handle letters such as ë, which plain C would leave untouched.
    args = ["--locale=C"]
    saved = locale.setlocale(locale.LC_CTYPE)
    for candidate in ("C.UTF-8", "C.utf8"):
        try:
            locale.setlocale(locale.LC_CTYPE, candidate)
        except locale.Error:
            continue
        else:
            args.append(f"--lc-ctype={candidate}")
            break
        finally:
            locale.setlocale(locale.LC_CTYPE, saved)
    return args


class EmbeddedPostgres(Server):
    """A PostgreSQL cluster in `data_dir`, served on host:port with trust auth for superuser `postgres`.

    `fast=True` trades crash safety for speed (fsync, synchronous_commit and full_page_writes off); meant for
    throwaway test clusters, never for the data dir of `make run`.
    """

    def __init__(self, data_dir: Path, port: int, host: str = "127.0.0.1", *, fast: bool = False) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.port = port
        self.host = host
        self.fast = fast
        self._account: _PgAccount | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"postgresql://{_PG_SUPERUSER}@{host}:{self.port}/postgres"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "log"

    @property
    def socket_dir(self) -> Path:
        """Where the unix socket goes: the data dir, unless that path is too long for a socket name."""
        if len(os.fsencode(self.data_dir / f".s.PGSQL.{self.port}")) <= _SOCKET_PATH_MAX:
            return self.data_dir
        digest = hashlib.sha256(os.fsencode(self.data_dir)).hexdigest()[:12]
        return Path("/tmp") / f"inburgering-pg-{digest}"  # noqa: S108 - short on purpose, owner checked

    def start(self) -> None:
        account = self._get_account()
        running = self._live_postmaster()
        if running is not None:
            if running.port == self.port and running.listen in (self.host, "*"):
                # Left over from a crashed run (or already started): same endpoint, so simply adopt it.
                self._wait_until_ready(time.monotonic() + START_TIMEOUT_S)
                return
            self._pg_ctl_stop(account)
        self._discard_stale_pid_file()
        ensure_port_free(self.host, self.port, "PostgreSQL")

        account.prepare_binaries()
        account.own_private_dir(self.data_dir)
        if not (self.data_dir / "PG_VERSION").exists():
            self._initdb(account)
        socket_dir = self.socket_dir
        if socket_dir != self.data_dir:
            account.own_private_dir(socket_dir)

        options = ["-h", self.host, "-p", str(self.port), "-k", str(socket_dir), "-c", "max_connections=200"]
        if self.fast:
            for setting in ("fsync=off", "synchronous_commit=off", "full_page_writes=off"):
                options += ["-c", setting]
        timeout = int(START_TIMEOUT_S) * 4
        pg_ctl = [str(POSTGRES_BIN_PATH / "pg_ctl"), "start", "-D", str(self.data_dir), "-w"]
        pg_ctl += ["-t", str(timeout), "-l", str(self.log_path)]
        # pg_ctl hands these to /bin/sh, hence the shell quoting.
        pg_ctl += ["-o", shlex.join(options)]
        result = account.run(pg_ctl, cwd=self.data_dir, timeout=timeout + 10)
        if result.returncode != 0:
            raise RuntimeError(
                f"PostgreSQL did not start on {self.host}:{self.port} (pg_ctl exit {result.returncode}):\n"
                f"{result.stdout.strip()}\n{log_tail(self.log_path)}"
            )
        self._wait_until_ready(time.monotonic() + START_TIMEOUT_S)

    def stop(self) -> None:
        if self._live_postmaster() is None:
            self._discard_stale_pid_file()
        else:
            self._pg_ctl_stop(self._get_account())
        socket_dir = self.socket_dir
        if socket_dir != self.data_dir:
            # Test runs would otherwise leave an empty directory in /tmp for every throwaway cluster.
            with contextlib.suppress(OSError):
                socket_dir.rmdir()

    def _get_account(self) -> _PgAccount:
        if self._account is None:
            self._account = _PgAccount()
        return self._account

    def _live_postmaster(self) -> _Postmaster | None:
        info = _Postmaster.read(self.data_dir)
        if info is None or process_if_alive(info.pid, "postgres") is None:
            return None
        return info

    def _discard_stale_pid_file(self) -> None:
        # A dead pid postgres sorts out itself, and keeping the file keeps its shared-memory interlock against
        # orphaned backends. But postgres only asks whether the pid exists, so a pid recycled by an unrelated
        # process would block every start until someone deletes the file.
        info = _Postmaster.read(self.data_dir)
        if info is None or not psutil.pid_exists(info.pid) or self._live_postmaster() is not None:
            return
        (self.data_dir / "postmaster.pid").unlink(missing_ok=True)

    def _initdb(self, account: _PgAccount) -> None:
        initdb = [str(POSTGRES_BIN_PATH / "initdb"), "-D", str(self.data_dir), "-U", _PG_SUPERUSER]
        initdb += ["--auth=trust", "--encoding=UTF8", *_initdb_locale_args()]
        result = account.run(initdb, cwd=self.data_dir, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"initdb failed for {self.data_dir}:\n{result.stdout.strip()}")

    def _pg_ctl_stop(self, account: _PgAccount) -> None:
        timeout = int(STOP_TIMEOUT_S)
        pg_ctl = [str(POSTGRES_BIN_PATH / "pg_ctl"), "stop", "-D", str(self.data_dir)]
        pg_ctl += ["-m", "fast", "-w", "-t", str(timeout)]
        result = account.run(pg_ctl, cwd=self.data_dir, timeout=timeout + 10)
        # A non-zero exit is fine when the server went away meanwhile; only a survivor is an error.
        if result.returncode != 0 and self._live_postmaster() is not None:
            raise RuntimeError(
                f"PostgreSQL in {self.data_dir} did not stop:\n{result.stdout.strip()}\n{log_tail(self.log_path)}"
            )

    def _wait_until_ready(self, deadline: float) -> None:
        pg_isready = str(POSTGRES_BIN_PATH / "pg_isready")
        probe = [pg_isready, "-q", "-h", self.host, "-p", str(self.port), "-U", _PG_SUPERUSER, "-t", "1"]
        while True:
            result = subprocess.run(  # noqa: S603 - fixed binary, arguments built here
                probe, stdin=subprocess.DEVNULL, capture_output=True, check=False, timeout=5
            )
            if result.returncode == 0:
                return
            if self._live_postmaster() is None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"PostgreSQL in {self.data_dir} does not accept connections on {self.host}:{self.port}\n"
                    f"{log_tail(self.log_path)}"
                )
            time.sleep(0.1)
