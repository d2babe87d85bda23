/** @odoo-module **/
// Copyright 2026 perf_closed_loop authors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).

// Steps the configuration tours share.

export function saveForm(content = "Save") {
    return {content, trigger: ".o_form_button_save", run: "click"};
}

// Save a form that is wrong on purpose: the error dialog must show `text`;
// then close it and go on editing.
export function saveRefused(text) {
    return [
        saveForm("Save (refused)"),
        {
            content: `The message says: ${text}`,
            trigger: `.modal .modal-body:contains(${text})`,
        },
        {
            content: "Close the message",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
    ];
}

export function formSaved() {
    return {content: "Saved", trigger: ".o_form_saved"};
}
