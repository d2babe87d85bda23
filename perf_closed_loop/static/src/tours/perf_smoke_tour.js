/** @odoo-module **/
// Copyright 2026 perf_closed_loop authors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import {registry} from "@web/core/registry";

const APP = ".o_app[data-menu-xmlid='perf_closed_loop.menu_root']";

registry.category("web_tour.tours").add("perf_closed_loop_smoke", {
    url: "/odoo",
    steps: () => [
        {
            content: "Desktop: open the apps menu",
            isActive: ["desktop"],
            trigger: ".o_navbar_apps_menu button:enabled",
            run: "click",
        },
        {
            content: "Phone: open the burger menu",
            isActive: ["mobile"],
            trigger: ".o_main_navbar .o_menu_toggle",
            run: "click",
        },
        {
            content: "Phone: show all apps",
            isActive: ["mobile"],
            trigger: ".o_sidebar_topbar a.btn-primary",
            run: "click",
        },
        {
            content: "Open the Performance app",
            trigger: APP,
            run: "click",
        },
        {
            content: "The app opens on a view of the employee's reviews",
            trigger: ".o_action_manager .o_view_controller",
        },
        {
            content: "The navbar now shows the Performance app",
            isActive: ["desktop"],
            trigger: ".o_main_navbar .o_menu_brand:contains(Performance)",
        },
        {
            content: "Phone: the burger menu now lists the app's sections",
            isActive: ["mobile"],
            trigger: ".o_main_navbar .o_menu_toggle",
            run: "click",
        },
        {
            content: "Phone: the Performance sections are listed",
            isActive: ["mobile"],
            trigger: ".o_burger_menu_app span:contains(Performance)",
        },
    ],
});
