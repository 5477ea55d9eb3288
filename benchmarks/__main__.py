"""`python -m benchmarks`: the benchmark suite, as `entrepot bench` (see suite.py)."""

import sys

from benchmarks.suite import main

sys.exit(main())
