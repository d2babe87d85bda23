/** @odoo-module **/
// Copyright 2026 perf_closed_loop authors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import {registry} from "@web/core/registry";

const STEPS = ".o_field_widget[name=step_ids]";

function addStep(kind, weight) {
    const steps = [
        {
            content: `Add the step ${kind}`,
            trigger: `${STEPS} .o_field_x2many_list_row_add a`,
            run: "click",
        },
        {
            content: `Its kind: ${kind}`,
            trigger: `${STEPS} .o_selected_row div[name=kind] select`,
            run: `selectByLabel ${kind}`,
        },
    ];
    if (weight) {
        steps.push({
            content: `Weight ${weight}`,
            trigger: `${STEPS} .o_selected_row div[name=weight] input`,
            run: `edit ${weight}`,
        });
    }
    return steps;
}

function save(content) {
    return {content, trigger: ".o_form_button_save", run: "click"};
}

// An administrator builds a flow with peers and a skip-level review. They
// save half-way, before any rating step, read the message, then finish it.
registry.category("web_tour.tours").add("perf_closed_loop_flow", {
    url: "/odoo/action-perf_closed_loop.perf_flow_action",
    steps: () => [
        {
            content: "New flow",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Name",
            trigger: ".o_field_widget[name=name] input",
            run: "edit Sales flow",
        },
        ...addStep("Goal setting"),
        ...addStep("Goal approval"),
        save("Save too early"),
        {
            content: "The message asks for a rating step",
            trigger: ".modal .modal-body:contains(add at least one rating step)",
        },
        {
            content: "Close the message",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        ...addStep("Self-evaluation", "10"),
        ...addStep("Peer review", "30"),
        ...addStep("Manager review", "40"),
        ...addStep("Skip-level review", "20"),
        ...addStep("Calibration"),
        ...addStep("HR approval"),
        {
            content: "The rating weights add up to 100",
            trigger: "div[name=rating_weight_total]:contains(100)",
        },
        save("Save the finished flow"),
        {
            content: "Saved",
            trigger: ".o_form_saved",
        },
    ],
});

// An administrator widens a grade band of the 3-grade scale by mistake: the
// message names the overlapping grades; they put it back.
registry.category("web_tour.tours").add("perf_closed_loop_rating_scale", {
    url: "/odoo/action-perf_closed_loop.perf_rating_scale_action",
    steps: () => [
        {
            content: "Open the 3-grade scale",
            trigger: ".o_data_row td[name=name]:contains(Three grades)",
            run: "click",
        },
        {
            content: "Edit grade C",
            trigger:
                ".o_field_widget[name=grade_ids] .o_data_row:contains(Below expectations) td[name=max_score]",
            run: "click",
        },
        {
            content: "C up to 70: overlaps B (60–85)",
            trigger: ".o_field_widget[name=grade_ids] .o_selected_row div[name=max_score] input",
            run: "edit 70",
        },
        save("Save"),
        {
            content: "The message names the overlapping grades",
            trigger: ".modal .modal-body:contains(grades B / C overlap between 60 and 70)",
        },
        {
            content: "Close the message",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "C back to 60 (the row is still being edited)",
            trigger: ".o_field_widget[name=grade_ids] .o_selected_row div[name=max_score] input",
            run: "edit 60",
        },
        save("Save again"),
        {
            content: "Saved",
            trigger: ".o_form_saved",
        },
    ],
});
