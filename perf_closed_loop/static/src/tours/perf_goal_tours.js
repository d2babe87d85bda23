/** @odoo-module **/
// Copyright 2026 perf_closed_loop authors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import {registry} from "@web/core/registry";

// The employee opens their review from "My Reviews" and submits the goals.
registry.category("web_tour.tours").add("perf_closed_loop_submit_goals", {
    url: "/odoo/action-perf_closed_loop.perf_review_action_my",
    steps: () => [
        {
            content: "My reviews are cards, not columns to swipe through",
            trigger: ".o_kanban_renderer.o_kanban_ungrouped .o_kanban_record",
        },
        {
            content: "Open my review",
            trigger: ".o_kanban_record:contains(Tour Employee)",
            run: "click",
        },
        {
            content: "The review shows the template's indicators",
            trigger: ".o_field_widget[name=kpi_line_ids] :contains(Revenue)",
        },
        {
            content: "Phone: the indicators are cards; open Revenue",
            isActive: ["mobile"],
            trigger: ".o_field_widget[name=kpi_line_ids] .o_kanban_record:contains(Revenue)",
            run: "click",
        },
        {
            content: "Phone: raise the target",
            isActive: ["mobile"],
            trigger: ".modal .o_field_widget[name=target_value] input",
            run: "edit 120",
        },
        {
            content: "Phone: save the indicator",
            isActive: ["mobile"],
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "Phone: the card shows the new target",
            isActive: ["mobile"],
            trigger: ".o_field_widget[name=kpi_line_ids] .o_kanban_record:contains(Revenue):contains(120)",
        },
        {
            content: "Phone: the buttons are in the cog menu",
            isActive: ["mobile"],
            trigger: ".o_cp_action_menus button:has(.fa-cog)",
            run: "click",
        },
        {
            content: "Submit the goals",
            trigger: "button[name=action_submit_goals]",
            run: "click",
        },
        {
            content: "The goals wait for the manager's approval",
            trigger: ".alert-info:contains(Tour Manager)",
        },
    ],
});

// The manager opens the review from "To Do" and sends the goals back.
registry.category("web_tour.tours").add("perf_closed_loop_reject_goals", {
    url: "/odoo/action-perf_closed_loop.perf_review_action_todo",
    steps: () => [
        {
            content: "Open the review waiting for me",
            trigger: ".o_data_row:contains(Tour Employee) td.o_data_cell",
            run: "click",
        },
        {
            content: "Reject the goals",
            trigger: "button[name=action_reject_goals]",
            run: "click",
        },
        {
            content: "Give the reason",
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit Revenue target too low",
        },
        {
            content: "Confirm",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The review is back in goal setting",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Goal setting)",
        },
    ],
});
