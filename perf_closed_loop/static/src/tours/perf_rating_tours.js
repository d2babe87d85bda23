/** @odoo-module **/
// Copyright 2026 perf_closed_loop authors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import {registry} from "@web/core/registry";

// On a phone, the employee rates themselves from "To Rate" and submits.
registry.category("web_tour.tours").add("perf_closed_loop_self_rating", {
    url: "/odoo/action-perf_closed_loop.perf_review_rating_action_todo",
    steps: () => [
        {
            content: "My ratings to give are cards",
            trigger: ".o_kanban_renderer .o_kanban_record:contains(Tour Employee)",
            run: "click",
        },
        {
            content: "The KPI starts from actual vs target",
            trigger: ".o_field_widget[name=kpi_score_line_ids] .o_kanban_record:contains(Revenue):contains(90)",
        },
        {
            content: "Open the questions",
            trigger: ".o_notebook .nav-link:contains(Questions)",
            run: "click",
        },
        {
            content: "Open the Teamwork card",
            trigger: ".o_field_widget[name=question_score_line_ids] .o_kanban_record:contains(Teamwork)",
            run: "click",
        },
        {
            content: "Score it",
            trigger: ".modal .o_field_widget[name=score] input",
            run: "edit 80",
        },
        {
            content: "Say why",
            trigger: ".modal .o_field_widget[name=comment] textarea",
            run: "edit Helped two new colleagues",
        },
        {
            content: "Save the score",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "The card shows the score",
            trigger: ".o_field_widget[name=question_score_line_ids] .o_kanban_record:contains(Teamwork):contains(80)",
        },
        {
            content: "The buttons are in the cog menu",
            trigger: ".o_cp_action_menus button:has(.fa-cog)",
            run: "click",
        },
        {
            content: "Submit",
            trigger: "button[name=action_submit]",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The rating is submitted",
            trigger: ".o_statusbar_status:contains(Submitted)",
        },
    ],
});

// On a desktop, the manager opens their rating and sends the self rating
// back with a reason (驳回): their own rating waits for it.
registry.category("web_tour.tours").add("perf_closed_loop_send_back", {
    url: "/odoo/action-perf_closed_loop.perf_review_rating_action_todo",
    steps: () => [
        {
            content: "Open my rating of the employee",
            trigger: ".o_data_row:contains(Tour Employee) td.o_data_cell",
            run: "click",
        },
        {
            content: "The scores start from the suggestions",
            trigger: ".o_field_widget[name=kpi_score_line_ids] .o_data_row:contains(Revenue)",
        },
        {
            content: "Read the earlier ratings",
            trigger: ".o_notebook .nav-link:contains(Earlier ratings)",
            run: "click",
        },
        {
            content: "Send the self rating back",
            trigger: ".o_field_widget[name=earlier_rating_ids] .o_data_row:contains(Self) button[name=action_reject]",
            run: "click",
        },
        {
            content: "Give the reason",
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit Teamwork needs examples",
        },
        {
            content: "Confirm",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "My rating waits for the self rating again",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Waiting)",
        },
    ],
});
