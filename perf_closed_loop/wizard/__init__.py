from . import perf_cycle_launch
from . import perf_cycle_launch_line
from . import perf_cycle_cancel
from . import perf_cycle_evaluation
from . import perf_cycle_evaluation_line
from . import perf_review_reason
from . import perf_review_nominate
from . import perf_review_rating_reassign
