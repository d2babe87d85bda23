/** @odoo-module **/
// Copyright 2026 perf_closed_loop authors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import {formSaved, saveForm, saveRefused} from "@perf_closed_loop/tours/tour_steps";
import {registry} from "@web/core/registry";

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
        ...saveRefused("grades B / C overlap between 60 and 70"),
        {
            content: "C back to 60 (the row is still being edited)",
            trigger: ".o_field_widget[name=grade_ids] .o_selected_row div[name=max_score] input",
            run: "edit 60",
        },
        saveForm("Save again"),
        formSaved(),
    ],
});
