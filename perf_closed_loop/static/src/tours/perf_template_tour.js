/** @odoo-module **/
// Copyright 2026 perf_closed_loop authors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import {formSaved, saveForm, saveRefused} from "@perf_closed_loop/tours/tour_steps";
import {registry} from "@web/core/registry";

const KPI = ".o_field_widget[name=kpi_line_ids]";

function addKpi(name, weight) {
    return [
        {
            content: `Add the indicator ${name}`,
            trigger: `${KPI} .o_field_x2many_list_row_add a`,
            run: "click",
        },
        {
            content: `Name it ${name}`,
            trigger: `${KPI} .o_selected_row div[name=name] input`,
            run: `edit ${name}`,
        },
        {
            content: `Weight ${weight}`,
            trigger: `${KPI} .o_selected_row div[name=weight] input`,
            run: `edit ${weight}`,
        },
    ];
}

// An administrator builds a KPI 60 / OKR 40 template with three indicators,
// makes a mistake on the weights, reads the message and fixes it.
registry.category("web_tour.tours").add("perf_closed_loop_template", {
    url: "/odoo/action-perf_closed_loop.perf_template_action",
    steps: () => [
        {
            content: "New template",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Name",
            trigger: ".o_field_widget[name=name] input",
            run: "edit Sales H1",
        },
        {
            content: "KPI weight",
            trigger: "div[name=kpi_weight] input",
            run: "edit 60",
        },
        {
            content: "Enable OKR",
            trigger: "div[name=okr_enabled] input",
            run: "click",
        },
        {
            content: "OKR weight: a mistake (60 + 30 = 90)",
            trigger: "div[name=okr_weight] input",
            run: "edit 30",
        },
        ...addKpi("Revenue", "50"),
        ...addKpi("New clients", "30"),
        ...addKpi("Churn", "20"),
        ...saveRefused("add up to 90"),
        {
            content: "Fix the OKR weight",
            trigger: "div[name=okr_weight] input",
            run: "edit 40 && press Tab",
        },
        {
            content: "The live total is 100",
            trigger: "div[name=section_weight_total]:contains(100)",
        },
        saveForm("Save again"),
        formSaved(),
    ],
});
