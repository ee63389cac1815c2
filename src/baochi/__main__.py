"""`python -m baochi` is the `baochi` command."""

from baochi.cli import main

raise SystemExit(main())
