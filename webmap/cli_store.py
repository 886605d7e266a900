"""``sxmap ingest | export | db | users``: the store's commands.

Every command opens the same store the web app uses (``--database``, else
``ATLAS_DATABASE_URL``, else the SQLite file in the instance folder), filled from
``data/`` the first time. Commands add, never replace; each write is one transaction.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from datetime import date
from pathlib import Path

from geo.errors import AtlasError, InputError


def database_url(explicit: str | None = None) -> str:
    from webmap.settings import database_url as resolve

    return resolve(
        {
            "DATABASE_URL": explicit or os.environ.get("ATLAS_DATABASE_URL"),
            "INSTANCE_DIR": os.environ.get("ATLAS_INSTANCE_DIR"),
        }
    )


def _repo(args):
    from geo.dataset import DATA_DIR
    from geo.store import open_store

    data_dir = os.environ.get("ATLAS_DATA_DIR") or DATA_DIR
    return open_store(database_url(args.database), data_dir=Path(data_dir))


class Progress:
    """A bar on a terminal, one plain line per item otherwise (logs, pipes, CI)."""

    def __init__(self, total: int, stream=None):
        self.total, self.done = total, 0
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() and total > 1

    def step(self, label: str, outcome: str) -> None:
        self.done += 1
        if self.tty:
            width = 30
            filled = width * self.done // self.total
            bar = "#" * filled + "." * (width - filled)
            print(f"\r[{bar}] {self.done}/{self.total} {label[:40]:<40}", end="", file=self.stream)
            if self.done == self.total:
                print(file=self.stream)
        else:
            print(f"{self.done}/{self.total} {outcome} {label}", file=self.stream)
        self.stream.flush()


def _files(paths: list[str]) -> list[Path]:
    from geo.documents import EXTENSIONS

    found: list[Path] = []
    for text in paths:
        path = Path(text)
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.suffix.lower() in EXTENSIONS)
        elif path.exists():
            found.append(path)
        else:
            raise InputError(f"{text}: no such file or folder")
    if not found:
        raise InputError("no documents found (accepted: .txt, .html, .htm, .docx, .pdf)")
    return found


def cmd_ingest(args) -> int:
    from geo.store.repository import NewDocument

    repo = _repo(args)
    files = _files(args.paths)
    gazetteer = repo.gazetteer()
    progress = Progress(len(files))
    added, duplicates, failed, merged = [], [], [], 0
    for path in files:
        try:
            content = _read_regular(path)
            result = repo.ingest(
                NewDocument(
                    content,
                    filename=path.name,
                    title=args.title,
                    publisher=args.publisher,
                    url=args.url,
                    published=args.published,
                    state=args.state,
                ),
                actor=args.actor,
                gazetteer=gazetteer,
            )
        except (AtlasError, OSError) as exc:
            failed.append((path, str(exc) if isinstance(exc, AtlasError) else exc.strerror))
            progress.step(path.name, "failed")
            continue
        except Exception as exc:  # one bad article must not stop the others; say which
            failed.append((path, f"internal error ({type(exc).__name__}: {exc})"))
            progress.step(path.name, "failed")
            continue
        if result.created:
            added.append(result)
            merged += result.merged
            progress.step(path.name, "added")
        else:
            duplicates.append((path, result.doc_id))
            progress.step(path.name, "duplicate")
    for r in added:
        print(f"added {r.doc_id}: {len(r.projects)} projects, {len(r.batches)} figures ({r.state})")
    for path, doc_id in duplicates:
        print(f"skipped {path}: same bytes as document {doc_id}")
    for path, why in failed:
        print(f"failed {path}: {why}")
    print(
        f"{len(added)} added, {merged} merged with other sources, "
        f"{len(duplicates)} duplicates skipped, {len(failed)} failed"
    )
    return 1 if failed else 0


def _read_regular(path: Path) -> bytes:
    """The bytes of a regular file, refused before reading when it is anything else."""
    import stat

    from geo.text import MAX_BYTES

    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise InputError("not a regular file")
    if info.st_size > MAX_BYTES:
        raise InputError(f"larger than the {MAX_BYTES // 2**20} MB limit for one article")
    with path.open("rb") as f:
        return f.read(MAX_BYTES + 1)


def cmd_export(args) -> int:
    repo = _repo(args)
    if args.gold is not None:
        from geo.store.gold import export_gold

        count = export_gold(repo, args.gold)
        print(
            f"{count} reviewed documents and gold.json written to {args.gold}; "
            f"score them with: sxmap evaluate {args.gold / 'gold.json'} {args.gold}"
        )
        return 0
    from geo.store.export import export_dataset

    counts = export_dataset(repo, args.dataset)
    print(", ".join(f"{n} {name}" for name, n in counts.items()) + f" written to {args.dataset}")
    return 0


def cmd_db_upgrade(args) -> int:
    from geo.store import migrate

    before, after = migrate.upgrade(database_url(args.database))
    print(f"database at revision {after}" + ("" if before == after else f" (was {before})"))
    return 0


def cmd_db_backup(args) -> int:
    from geo.store.backup import backup

    repo = _repo(args)
    backup(repo, args.file)
    print(f"backup written to {args.file}")
    return 0


def _password(args, name: str) -> str | None:
    """The browser password: from --password-file, else prompted (twice) with --password
    or, for editors and admins, whenever the command runs on a terminal."""
    from geo.store.passwords import MIN_LENGTH

    if getattr(args, "password_file", None):
        password = _read_regular(args.password_file).decode("utf-8").strip()
    elif getattr(args, "password", False) or (
        not getattr(args, "no_password", False)
        and getattr(args, "role", "editor") != "reader"
        and sys.stdin.isatty()
    ):
        password = getpass.getpass(f"browser password for {name} (at least {MIN_LENGTH}): ")
        if getpass.getpass("again: ") != password:
            raise InputError("the two passwords differ")
    else:
        return None
    if len(password) < MIN_LENGTH:
        raise InputError(f"password too short: at least {MIN_LENGTH} characters")
    return password


def cmd_users_add(args) -> int:
    repo = _repo(args)
    password = _password(args, args.name)  # checked before the account exists
    user = repo.add_user(args.name, args.role, actor=args.actor)
    if password is not None:
        repo.set_password(user, password, actor=args.actor)
    token = repo.issue_token(user, label="created with the account", actor=args.actor)
    login = "browser login at /login" if password else "no browser password: sxmap users passwd"
    print(f"user {user.name} ({user.role}) created; {login}; API token (shown once):")
    print(token)
    return 0


def cmd_users_passwd(args) -> int:
    repo = _repo(args)
    user = repo.user(args.name)
    args.password = not args.password_file
    password = _password(args, args.name)
    repo.set_password(user, password, actor=args.actor)
    ended = repo.end_sessions(user)
    print(f"password of {user.name} set; {ended} browser sessions ended")
    return 0


def cmd_users_list(args) -> int:
    repo = _repo(args)
    for u in repo.users():
        state = "disabled" if u["disabled_at"] else ("locked" if u["locked_until"] else "active")
        password = "password" if u["has_password"] else "no password"
        print(f"{u['name']}\t{u['role']}\t{state}\t{password}\t{u['tokens']} tokens")
    return 0


def cmd_users_unlock(args) -> int:
    repo = _repo(args)
    repo.unlock(args.name, actor=args.actor)
    print(f"login lockout of {args.name} lifted")
    return 0


def cmd_users_token(args) -> int:
    repo = _repo(args)
    user = repo.user(args.name)
    token = repo.issue_token(user, label=args.label, actor=args.actor)
    print(f"new API token for {user.name} (shown once):")
    print(token)
    return 0


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {text!r}") from None


def register(sub) -> None:
    """Add the store's commands to the ``sxmap`` parser."""
    from geo.store.schema import ROLES

    def common(p):
        p.add_argument(
            "--database",
            help="SQLAlchemy URL (default: ATLAS_DATABASE_URL or instance/atlas.sqlite)",
        )
        p.add_argument("--actor", default=getpass.getuser(), help="name recorded in the audit")

    ing = sub.add_parser("ingest", help="add articles to the store (never replaces)")
    ing.add_argument("paths", nargs="+", help=".txt/.html/.docx/.pdf files or folders")
    ing.add_argument(
        "--state",
        choices=["published", "new"],
        default="published",
        help="published: on the map now; new: waits for review",
    )
    ing.add_argument("--title")
    ing.add_argument("--publisher")
    ing.add_argument("--url")
    ing.add_argument("--published", type=_date, help="YYYY-MM-DD publication date")
    common(ing)
    ing.set_defaults(func=cmd_ingest)

    exp = sub.add_parser(
        "export", help="write the store as a data/ snapshot, or reviewed documents as gold"
    )
    what = exp.add_mutually_exclusive_group(required=True)
    what.add_argument("--dataset", type=Path, help="folder to write the data/ snapshot to")
    what.add_argument(
        "--gold",
        type=Path,
        help="folder to write reviewed documents (.txt) and gold.json to (sxmap evaluate's input)",
    )
    common(exp)
    exp.set_defaults(func=cmd_export)

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="action", required=True)
    up = db_sub.add_parser("upgrade", help="migrate the schema to the newest revision")
    common(up)
    up.set_defaults(func=cmd_db_upgrade)
    bk = db_sub.add_parser("backup", help="a consistent copy, safe while the server runs")
    bk.add_argument("file", type=Path)
    common(bk)
    bk.set_defaults(func=cmd_db_backup)

    users = sub.add_parser("users", help="accounts and API tokens")
    u_sub = users.add_subparsers(dest="action", required=True)
    add = u_sub.add_parser("add", help="create an account; prints an API token last")
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, required=True)
    pw = add.add_mutually_exclusive_group()
    pw.add_argument(
        "--password",
        action="store_true",
        help="prompt for a browser password (the default for editors and admins on a terminal)",
    )
    pw.add_argument("--password-file", type=Path, help="read the password from this file")
    pw.add_argument("--no-password", action="store_true", help="API token only, no browser login")
    common(add)
    add.set_defaults(func=cmd_users_add)
    pwd = u_sub.add_parser("passwd", help="set a browser password (ends the user's sessions)")
    pwd.add_argument("name")
    pwd.add_argument("--password-file", type=Path, help="read the password from this file")
    common(pwd)
    pwd.set_defaults(func=cmd_users_passwd)
    lst = u_sub.add_parser("list", help="accounts, roles, locks")
    common(lst)
    lst.set_defaults(func=cmd_users_list)
    unl = u_sub.add_parser("unlock", help="lift a login lockout")
    unl.add_argument("name")
    common(unl)
    unl.set_defaults(func=cmd_users_unlock)
    tok = u_sub.add_parser("token", help="issue another API token")
    tok.add_argument("name")
    tok.add_argument("--label")
    common(tok)
    tok.set_defaults(func=cmd_users_token)
