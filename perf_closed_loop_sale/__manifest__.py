# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
{
    "name": "Performance Closed Loop - Sales",
    "summary": "KPI actuals measured from Sales: confirmed sales by "
    "salesperson, new customers won, quotations sent",
    "version": "18.0.1.0.0",
    "category": "Human Resources/Appraisals",
    "website": "https://github.com/perf-closed-loop/perf_closed_loop",
    "author": "perf_closed_loop authors",
    "maintainers": ["perf-closed-loop"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "installable": True,
    "auto_install": True,
    "depends": ["perf_closed_loop", "sale"],
    "data": [
        "data/perf_measure_data.xml",
    ],
    "demo": [
        "demo/sale_order_demo.xml",
        "demo/perf_cycle_demo.xml",
    ],
}
