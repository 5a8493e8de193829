"""Child process of the benchmark: migrate a new SQLite file and fill it with seed_demo.

python -m bench.build --database PATH --seed N [--equipment N]"""

from __future__ import annotations

import argparse
from pathlib import Path

from bench.environment import setup_django


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", type=Path, required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--equipment", type=int, help="scaled large seed; default: full size")
    args = parser.parse_args()
    setup_django(args.database)

    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    options: dict[str, object] = {"size": "large", "seed": args.seed}
    if args.equipment is not None:
        options["equipment"] = args.equipment
    call_command("seed_demo", **options)
    with connection.cursor() as cursor:
        # Fold the write-ahead log into the file, so the cached database is one file.
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
