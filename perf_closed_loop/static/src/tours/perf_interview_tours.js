/** @odoo-module **/
// Copyright 2026 perf_closed_loop authors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import {registry} from "@web/core/registry";

// The manager opens the interview to hold from "Interviews", records it with
// an agreed action and marks it held.
registry.category("web_tour.tours").add("perf_closed_loop_record_interview", {
    url: "/odoo/action-perf_closed_loop.perf_interview_action",
    steps: () => [
        {
            content: "Open the interview to hold",
            trigger: ".o_kanban_record:contains(Tour Employee)",
            run: "click",
        },
        {
            content: "What went well",
            trigger: ".o_field_widget[name=went_well] textarea",
            run: "edit Shipped the release on time",
        },
        {
            content: "What to improve",
            trigger: ".o_field_widget[name=to_improve] textarea",
            run: "edit Share knowledge with the team",
        },
        {
            content: "Add an agreed action",
            trigger: ".o_field_widget[name=action_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "What the action is",
            trigger: ".o_field_widget[name=action_ids] .o_data_row .o_field_widget[name=name] input",
            run: "edit Mentor a new colleague",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_saved",
        },
        {
            content: "Mark the interview as held",
            trigger: "button[name=action_hold]",
            run: "click",
        },
        {
            content: "The interview is held",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Held)",
        },
    ],
});

// The employee, on a phone, reads the record of their interview and
// confirms it.
registry.category("web_tour.tours").add("perf_closed_loop_confirm_interview", {
    url: "/odoo/action-perf_closed_loop.perf_interview_action",
    steps: () => [
        {
            content: "My interview is a card",
            trigger: ".o_kanban_record:contains(Tour Employee)",
            run: "click",
        },
        {
            content: "The record says what went well",
            trigger: ".o_field_widget[name=went_well]:contains(Shipped the release on time)",
        },
        {
            content: "The agreed action is there",
            trigger: ".o_field_widget[name=action_ids]:contains(Mentor a new colleague)",
        },
        {
            content: "Phone: the buttons are in the cog menu",
            isActive: ["mobile"],
            trigger: ".o_cp_action_menus button:has(.fa-cog)",
            run: "click",
        },
        {
            content: "Confirm the record",
            trigger: "button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The interview is confirmed",
            trigger: ".o_statusbar_status:contains(Confirmed)",
        },
    ],
});
