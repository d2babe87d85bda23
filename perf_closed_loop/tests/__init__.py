# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from . import test_security_groups
from . import test_tour_smoke
from . import test_config
from . import test_cycle_launch
from . import test_launch_org
from . import test_review_flow
from . import test_review_access
from . import test_launch_performance
from . import test_evaluation_performance
from . import test_calibration_performance
from . import test_evaluation
from . import test_evaluation_access
from . import test_evaluation_org
from . import test_calibration
from . import test_publication
from . import test_demo_org
from . import test_review_light_flow
from . import test_tour_goals
from . import test_tour_config
from . import test_tour_evaluation
from . import test_tour_calibration
from . import test_security_matrix
from . import test_hostile_input
from . import test_concurrency
from . import test_nothing_lost
