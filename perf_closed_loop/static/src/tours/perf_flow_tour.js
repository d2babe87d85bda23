/** @odoo-module **/
// Copyright 2026 perf_closed_loop authors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import {formSaved, saveForm, saveRefused} from "@perf_closed_loop/tours/tour_steps";
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
        // Saved too early: no rating step yet.
        ...saveRefused("add at least one rating step"),
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
        saveForm("Save the finished flow"),
        formSaved(),
    ],
});
