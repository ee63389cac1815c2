"""Server and user subcommands: `baochi run` (web + collector), `baochi serve`, `baochi users`."""

from __future__ import annotations

import argparse
import logging
import sys

import uvicorn

from baochi.bootstrap import first_run
from baochi.db import open_store
from baochi.db.web_store import WebStore
from baochi.in_use import on_the_folder
from baochi.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:
    """Add `run`, `serve` and `users`."""
    run = sub.add_parser("run", help="web server and collector in one process")
    run.set_defaults(handler=_run)
    serve = sub.add_parser("serve", help="web server only")
    serve.set_defaults(handler=_serve)

    users = sub.add_parser("users", help="people who sign in to the web application")
    usub = users.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    add = usub.add_parser("add", help="create a user and print their password")
    add.add_argument("name", help="login name: lower-case letters, digits, '.', '_' or '-'")
    add.add_argument("--role", required=True, choices=("admin", "analyst", "officer", "leader"))
    add.add_argument("--department", default="", help="department (required for an officer)")
    add.add_argument("--display-name", default="", help="name shown in the interface")
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    add.set_defaults(handler=_users_add)
    listing = usub.add_parser("list", help="every user with role and department")
    listing.set_defaults(handler=_users_list)


def _users_add(args: argparse.Namespace, settings: Settings) -> int:
    from baochi.web.users import DepartmentMissing, UserError, create_user

    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else None
    web = WebStore(open_store(settings).engine)
    try:
        user, password = create_user(
            web, args.name, args.role, args.department, password, args.display_name, actor="cli"
        )
    except DepartmentMissing as exc:
        print(f"baochi: {exc} (--department)", file=sys.stderr)
        return 1
    except UserError as exc:
        print(f"baochi: {exc}", file=sys.stderr)
        return 1
    print(
        f"created {user.username} ({user.role}{', ' + user.department if user.department else ''})"
    )
    if not args.password_stdin:
        print(f"password: {password}")
    return 0


def _users_list(args: argparse.Namespace, settings: Settings) -> int:
    for user in WebStore(open_store(settings).engine).users():
        state = "" if user.active else "  (locked)"
        print(f"{user.username:24} {user.role:8} {user.department}{state}")
    return 0


def _start(settings: Settings, background: bool) -> int:
    from baochi.web.app import create_app
    from baochi.web.users import ensure_admin

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    store = open_store(settings)
    first_run(store, settings)
    password = ensure_admin(WebStore(store.engine))
    url = f"http://{settings.host}:{settings.port}/"
    if password:
        print(f"baochi: first run — sign in at {url}login as 'admin' with password: {password}")
        print(
            "baochi: change it under Tài khoản; add people with `baochi users add NAME --role ROLE`"
        )
    app = create_app(settings, store, background=background)
    print(f"baochi: serving on {url} (data in {settings.data})")
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info")
    return 0


@on_the_folder
def _run(args: argparse.Namespace, settings: Settings) -> int:
    return _start(settings, background=True)


@on_the_folder
def _serve(args: argparse.Namespace, settings: Settings) -> int:
    return _start(settings, background=False)
