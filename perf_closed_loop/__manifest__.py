# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
{
    "name": "Performance Closed Loop",
    "summary": "Closed-loop performance management: KPI/OKR templates, one "
    "company-wide launch, goal approval, check-ins, multi-rater evaluation, "
    "calibration against a forced distribution, publication and export",
    "version": "18.0.1.0.0",
    "category": "Human Resources/Appraisals",
    "website": "https://github.com/perf-closed-loop/perf_closed_loop",
    "author": "perf_closed_loop authors",
    "maintainers": ["perf-closed-loop"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "application": True,
    "installable": True,
    "depends": ["hr", "mail"],
    "data": [
        "security/perf_closed_loop_groups.xml",
        "security/ir.model.access.csv",
        "security/perf_rating_scale_security.xml",
        "security/perf_template_security.xml",
        "security/perf_flow_security.xml",
        "security/perf_distribution_policy_security.xml",
        "security/perf_cycle_security.xml",
        "security/perf_review_security.xml",
        "data/mail_activity_type_data.xml",
        "data/ir_cron_data.xml",
        "data/perf_rating_scale_data.xml",
        "data/perf_flow_data.xml",
        "data/perf_distribution_policy_data.xml",
        "views/perf_rating_scale_views.xml",
        "views/perf_template_views.xml",
        "views/perf_flow_views.xml",
        "views/perf_distribution_policy_views.xml",
        "views/perf_review_views.xml",
        "views/perf_checkin_views.xml",
        "views/perf_cycle_views.xml",
        "wizard/perf_cycle_launch_views.xml",
        "wizard/perf_cycle_cancel_views.xml",
        "wizard/perf_review_reason_views.xml",
        "views/perf_closed_loop_menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "perf_closed_loop/static/src/tours/**/*",
        ],
    },
}
