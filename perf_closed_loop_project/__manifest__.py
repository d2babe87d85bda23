# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
{
    "name": "Performance Closed Loop - Project",
    "summary": "KPI actuals measured from Project: tasks closed by assignee, "
    "tasks closed before their deadline, % on time",
    "version": "18.0.1.0.0",
    "category": "Human Resources/Appraisals",
    "website": "https://github.com/perf-closed-loop/perf_closed_loop",
    "author": "perf_closed_loop authors",
    "maintainers": ["perf-closed-loop"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "installable": True,
    "auto_install": True,
    "depends": ["perf_closed_loop", "project"],
    "data": [
        "data/perf_measure_data.xml",
    ],
    "demo": [
        "demo/project_task_demo.xml",
        "demo/perf_cycle_demo.xml",
    ],
}
