"""`python -m bench [--quick]`: the equipment archive at 1,000,000 units against 10,000."""

from bench.equipment import main

raise SystemExit(main())
