"""`python -m bench [--quick]`: every benchmark, each printing ratios against a baseline measured
in the same run — the equipment archive (1,000,000 units against 10,000), SLA deadlines
(Shouhou's clock against the businesstimedelta library), the dispatch optimiser on Solomon's
instances (gap to the best known, ratio to OR-Tools) and on a generated day (against a greedy
dispatcher, plus re-planning and insertion latency)."""

import sys

from bench import dispatch_day, dispatch_solomon, equipment, sla_deadlines

quick = "--quick" in sys.argv[1:]
status = equipment.main(sys.argv[1:])
status |= sla_deadlines.main(["--deadlines", "100000"] if quick else [])
status |= dispatch_solomon.main(["--time-limit", "3"] if quick else [])
status |= dispatch_day.main(
    ["--time-limit", "10", "--replans", "3", "--inserts", "30"] if quick else []
)
raise SystemExit(status)
