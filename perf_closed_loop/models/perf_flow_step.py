# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..domain import flow as flow_rules

# A step longer than a year is a typing mistake (and far dates overflow).
MAX_DEADLINE_DAYS = 365

KINDS = [
    ("goal_setting", "Goal setting"),
    ("goal_approval", "Goal approval"),
    ("self", "Self-evaluation"),
    ("peer", "Peer review"),
    ("manager", "Manager review"),
    ("skip_level", "Skip-level review"),
    ("designated", "Designated reviewer"),
    ("calibration", "Calibration"),
    ("hr_approval", "HR approval"),
]
ACTORS = [
    ("employee", "Employee"),
    ("manager", "Manager"),
    ("skip_level", "Skip-level manager"),
    ("department_head", "Department head"),
    ("designated", "Designated user"),
    ("hr", "HR"),
]
DEFAULT_ACTOR = {
    "goal_setting": "employee",
    "goal_approval": "manager",
    "self": "employee",
    "peer": "employee",
    "manager": "manager",
    "skip_level": "skip_level",
    "designated": "designated",
    "calibration": "department_head",
    "hr_approval": "hr",
}


class PerfFlowStep(models.Model):
    """One step of a review flow. Rating steps carry their weight in the
    final score; any step may be allowed to send earlier work back
    (``can_reject``). Same access as its flow."""

    _name = "perf.flow.step"
    _inherit = ["perf.config.line.mixin"]
    _description = "Review Flow Step"
    _order = "flow_id, sequence, id"
    _perf_parent_field = "flow_id"

    flow_id = fields.Many2one(
        "perf.flow", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="flow_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    kind = fields.Selection(KINDS, required=True)
    actor = fields.Selection(
        ACTORS,
        required=True,
        compute="_compute_actor",
        store=True,
        readonly=False,
        precompute=True,
    )
    is_rating = fields.Boolean(compute="_compute_is_rating")
    weight = fields.Float(
        string="Weight (%)", help="Share of this rating step in the final score."
    )
    optional = fields.Boolean(
        help="When nobody gives this rating (e.g. no skip-level manager), its "
        "weight is shared among the other ratings."
    )
    can_reject = fields.Boolean(
        string="Can send back",
        help="The actor of this step may reject the previous step's work, "
        "with a reason.",
    )
    deadline_days = fields.Integer(
        string="Days to complete",
        default=7,
        help="The to-do of this step is due this many days after the step starts.",
    )
    # Peer review
    peer_min = fields.Integer(string="Minimum peers", default=2)
    peer_max = fields.Integer(string="Maximum peers", default=5)
    peer_nominated_by = fields.Selection(
        [("employee", "Employee, approved by the manager"), ("manager", "Manager")],
        string="Peers nominated by",
        default="employee",
    )
    peer_anonymous = fields.Boolean(
        string="Anonymous peers",
        default=True,
        help="The employee sees peer ratings without the peers' names.",
    )
    designated_user_id = fields.Many2one("res.users", string="Designated reviewer")
    comment_threshold = fields.Float(
        string="Comment beyond (points)",
        default=10.0,
        help="A rater who moves a suggested score by more than this many points "
        "must explain it in a comment.",
    )
    visible_to_employee = fields.Boolean(
        string="Employee sees it once published",
        compute="_compute_visible_to_employee",
        store=True,
        readonly=False,
        precompute=True,
        help="Once results are published the employee reads this rating (anonymous "
        "peers never by name).",
    )

    _sql_constraints = [
        ("weight_positive", "CHECK(weight >= 0)", "A weight cannot be negative."),
        (
            "comment_threshold_positive",
            "CHECK(comment_threshold >= 0)",
            "The comment threshold cannot be negative.",
        ),
        (
            "deadline_days_range",
            f"CHECK(deadline_days >= 0 AND deadline_days <= {MAX_DEADLINE_DAYS})",
            "The days to complete a step go from 0 to 365.",
        ),
        (
            "peer_range",
            "CHECK(peer_min >= 0 AND peer_max >= peer_min)",
            "The maximum number of peers cannot be below the minimum.",
        ),
    ]

    @api.depends("kind")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for step in self:
            step.display_name = kinds.get(step.kind, "")

    @api.depends("kind")
    def _compute_actor(self):
        for step in self:
            allowed = flow_rules.ALLOWED_ACTORS.get(step.kind, ())
            if step.kind and step.actor not in allowed:
                step.actor = DEFAULT_ACTOR[step.kind]

    @api.depends("kind")
    def _compute_visible_to_employee(self):
        for step in self:
            step.visible_to_employee = step.kind in ("self", "manager", "skip_level")

    @api.depends("kind")
    def _compute_is_rating(self):
        for step in self:
            step.is_rating = step.kind in flow_rules.RATING_KINDS

    @api.onchange("kind")
    def _onchange_kind(self):
        if self.kind not in flow_rules.RATING_KINDS:
            self.weight = 0.0
        if self.kind in ("peer", "designated", "skip_level"):
            self.optional = True

    @api.constrains("deadline_days")
    def _check_deadline_days(self):
        for step in self:
            if not 0 <= step.deadline_days <= MAX_DEADLINE_DAYS:
                raise ValidationError(
                    self.env._(
                        "The days to complete a step go from 0 to %(max)s, "
                        "not %(days)s.",
                        max=MAX_DEADLINE_DAYS,
                        days=step.deadline_days,
                    )
                )
