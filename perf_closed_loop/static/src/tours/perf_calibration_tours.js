/** @odoo-module **/
// Copyright 2026 perf_closed_loop authors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import {registry} from "@web/core/registry";

// On a desktop, the department head calibrates their group: one S too
// many for the policy; they move it to A with a note, then submit.
registry.category("web_tour.tours").add("perf_closed_loop_calibrate", {
    url: "/odoo/action-perf_closed_loop.perf_calibration_action",
    steps: () => [
        {
            content: "Open my group",
            trigger: ".o_data_row:contains(Tour Team) td.o_data_cell",
            run: "click",
        },
        {
            content: "The distribution shows one S too many",
            trigger: ".o_field_widget[name=distribution_html] tr.o_perf_grade_over:contains(S)",
        },
        {
            content: "The group is sorted by final score: Tour Agent 0 first",
            trigger: ".o_field_widget[name=review_ids] .o_data_row:first:contains(Tour Agent 0)",
        },
        {
            content: "Change Tour Agent 0's grade",
            trigger: ".o_field_widget[name=review_ids] .o_data_row:contains(Tour Agent 0) td[name=calibrated_grade_id]",
            run: "click",
        },
        {
            content: "Pick A",
            trigger: ".o_selected_row td[name=calibrated_grade_id] input",
            run: "edit Exceeds",
        },
        {
            content: "Choose it",
            trigger: ".o-autocomplete--dropdown-item:contains(Exceeds expectations)",
            run: "click",
        },
        {
            content: "Say why",
            trigger: ".o_selected_row td[name=calibration_note] textarea",
            run: "edit Only one S seat in the company",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The distribution is within the policy",
            trigger: ".o_field_widget[name=distribution_html]:not(:has(tr.o_perf_grade_over))",
        },
        {
            content: "Submit to HR",
            trigger: "button[name=action_submit]",
            run: "click",
        },
        {
            content: "Submitted",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Submitted)",
        },
    ],
});

// On a phone, an employee reads their published result and acknowledges it.
registry.category("web_tour.tours").add("perf_closed_loop_acknowledge", {
    url: "/odoo/action-perf_closed_loop.perf_review_action_my_results",
    steps: () => [
        {
            content: "My result is a card",
            trigger: ".o_kanban_record:contains(Tour Agent 0)",
            run: "click",
        },
        {
            content: "The result is published, with the calibrated grade",
            trigger: ".o_field_widget[name=final_grade_id]:contains(Exceeds expectations)",
        },
        {
            content: "The buttons are in the cog menu",
            trigger: ".o_cp_action_menus button:has(.fa-cog)",
            run: "click",
        },
        {
            content: "Acknowledge",
            trigger: "button[name=action_open_acknowledge]",
            run: "click",
        },
        {
            content: "Say something",
            trigger: ".modal .o_field_widget[name=comment] textarea",
            run: "edit Thank you, fair",
        },
        {
            content: "Confirm",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "Acknowledged",
            trigger: ".alert-success:contains(acknowledged)",
        },
    ],
});
