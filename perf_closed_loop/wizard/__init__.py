from . import perf_cycle_launch
from . import perf_cycle_launch_line
from . import perf_cycle_cancel
from . import perf_review_reason
