"""`python -m bench [--quick]`: every benchmark, each printing ratios against a baseline measured
in the same run — the equipment archive (1,000,000 units against 10,000) and SLA deadlines
(Shouhou's clock against the businesstimedelta library)."""

import sys

from bench import equipment, sla_deadlines

quick = "--quick" in sys.argv[1:]
status = equipment.main(sys.argv[1:])
status |= sla_deadlines.main(["--deadlines", "100000"] if quick else [])
raise SystemExit(status)
