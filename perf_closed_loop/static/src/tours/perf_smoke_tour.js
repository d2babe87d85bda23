/** @odoo-module **/
// Copyright 2026 perf_closed_loop authors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("perf_closed_loop_smoke", {
    url: "/odoo",
    steps: () => [
        {
            content: "Open the Performance app from the home menu",
            trigger: ".o_app[data-menu-xmlid='perf_closed_loop.menu_root']",
            run: "click",
        },
        {
            content: "The app opens on a view of the employee's reviews",
            trigger: ".o_action_manager .o_view_controller",
        },
        {
            content: "The control panel shows the action's title",
            trigger: ".o_control_panel .o_breadcrumb",
        },
    ],
});
