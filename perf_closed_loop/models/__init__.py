"""Models of perf_closed_loop, a file per model (docs/architecture.md).

``perf.review`` and ``perf.cycle`` span the whole loop: each is declared in
its base file (``perf_review.py``, ``perf_cycle.py``) and reopened by a file
per phase, loaded right after it; the background jobs of the cycle's
company-wide phases are ``perf.job.mixin``.
"""

from . import perf_onchange_mixin
from . import perf_number_mixin
from . import perf_config_line_mixin
from . import perf_config_parent_mixin
from . import perf_state_mixin
from . import perf_todo_mixin
from . import perf_result_mixin
from . import perf_job_mixin
from . import perf_rating_scale
from . import perf_rating_grade
from . import perf_template
from . import perf_template_kpi
from . import perf_template_question
from . import perf_measure
from . import perf_flow
from . import perf_flow_step
from . import perf_distribution_policy
from . import perf_distribution_policy_line
from . import res_users
from . import hr_employee
from . import hr_employee_public
from . import perf_cycle
from . import perf_cycle_launch
from . import perf_cycle_execution
from . import perf_cycle_evaluation
from . import perf_cycle_calibration
from . import perf_cycle_publication
from . import perf_cycle_recurrence
from . import perf_cycle_interview
from . import perf_cycle_measures
from . import perf_cycle_assignment
from . import perf_review
from . import perf_review_goals
from . import perf_review_checkins
from . import perf_review_evaluation
from . import perf_review_peers
from . import perf_review_results
from . import perf_review_interview
from . import perf_review_measures
from . import perf_review_line
from . import perf_objective
from . import perf_review_approval
from . import perf_checkin
from . import perf_review_nomination
from . import perf_review_rating
from . import perf_review_rating_tasks
from . import perf_review_rating_line
from . import perf_review_rating_event
from . import perf_calibration
from . import perf_review_grade_change
from . import perf_interview
from . import perf_agreed_action
