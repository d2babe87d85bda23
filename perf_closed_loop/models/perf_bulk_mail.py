# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The to-do digests of a batch (``perf.todo.mixin._notify_todo_digest``)
written set-based (issue 21): the e-mails (``mail.message`` and
``mail.mail`` with their recipients) and the Discuss inbox messages
(``mail.message``, its partners and its inbox ``mail.notification``), a
few statements per batch instead of the ORM's ``create`` of each, whose
``default_get`` per row and relational commands cost most of a to-do
batch.

Why it is safe: these are private messages, on no record (no ``model``,
no ``res_id``), without attachments or tracking values. On that path core's
creates add to the rows only what is computed here the way core computes
it — the ``message_id`` (``_get_message_id`` for each row), the
``reply_to`` (``_get_reply_to``, which for a message on no record depends on
its sender and type only: asked once per kind), an empty ``record_name``,
a mail's empty ``scheduled_date`` — and the defaults
(``perf_bulk_insert.complete_rows``: one ``default_get`` per kind and
batch). They run as the superuser (``sudo``, as the ORM path does), so no
access check applies; none of these models has a Python constraint on
these columns, the database checks the rest (foreign keys, one inbox
notification per message and partner). The bodies skip the HTML sanitizer
(``write_bodies``). ``test_digests_inserted_as_the_orm_would`` compares
every stored column and relation with the ORM's. When another add-on gives
one of these models a stored field with a compute (``can_insert``), or
with ``orm``, the ORM's ``create`` is used.
"""

from odoo import Command
from odoo.tools import SQL

from . import perf_bulk_insert

# The columns given to e-mails and inbox notifications (besides defaults).
MAIL_COLUMNS = {"mail_message_id", "body_html", "auto_delete", "scheduled_date"}
NOTIFICATION_COLUMNS = {"mail_message_id", "res_partner_id", "notification_type"}


def create_digests(env, sender, mails, inbox, inbox_author, orm=False):
    """Create the digests of one batch, as the superuser.

    ``mails``: (author partner id, recipient partner id, subject, HTML
    body) of each e-mail, queued for Odoo's mail queue; ``inbox``:
    (recipient partner id, subject, HTML body) of each inbox message, from
    ``inbox_author`` (a partner id). Returns the ``mail.mail`` and the
    inbox ``mail.message`` records, in the order given."""
    env = env(su=True)
    Message = env["mail.message"]
    if not (mails or inbox):
        return env["mail.mail"], Message
    message_rows = _message_rows(Message, sender, mails, inbox, inbox_author)
    given = {
        "mail.message": {name for row in message_rows for name in row},
        "mail.mail": MAIL_COLUMNS,
        "mail.notification": NOTIFICATION_COLUMNS,
    }
    if orm or not all(
        perf_bulk_insert.can_insert(env[model], names, completed=True)
        for model, names in given.items()
    ):
        return _create_digests_orm(env, sender, mails, inbox, inbox_author)
    messages = perf_bulk_insert.insert_row_groups(Message, message_rows)
    mail_messages, inbox_messages = messages[: len(mails)], messages[len(mails) :]
    if mails:
        mail_rows = perf_bulk_insert.complete_rows(
            env["mail.mail"],
            [
                {
                    "mail_message_id": message_id,
                    "body_html": body,
                    "auto_delete": True,
                    "scheduled_date": False,
                }
                for message_id, (_author, _partner, _subject, body) in zip(
                    mail_messages.ids, mails, strict=True
                )
            ],
        )
        new_mails = perf_bulk_insert.insert_rows(env["mail.mail"], mail_rows)
        _link(new_mails, "recipient_ids", [partner for _a, partner, _s, _b in mails])
    else:
        new_mails = env["mail.mail"]
    if inbox:
        write_bodies(inbox_messages, [body for _partner, _subject, body in inbox])
        partners = [partner for partner, _subject, _body in inbox]
        _link(inbox_messages, "partner_ids", partners)
        Notification = env["mail.notification"]
        perf_bulk_insert.insert_rows(
            Notification,
            perf_bulk_insert.complete_rows(
                Notification,
                [
                    {
                        "mail_message_id": message_id,
                        "res_partner_id": partner,
                        "notification_type": "inbox",
                    }
                    for message_id, partner in zip(
                        inbox_messages.ids, partners, strict=True
                    )
                ],
            ),
        )
        Message.invalidate_model(["notified_partner_ids"])
    return new_mails, inbox_messages


def _message_rows(Message, sender, mails, inbox, inbox_author):
    """The ``mail.message`` rows of the e-mails, then of the inbox
    messages, completed as core's ``create`` completes them."""
    kinds = {
        "email_outgoing": {
            "email_from": sender,
            "message_type": "email_outgoing",
            "record_name": False,
        },
        "user_notification": {
            "author_id": inbox_author,
            "email_from": sender or False,
            "message_type": "user_notification",
            "subtype_id": Message.env.ref("mail.mt_note").id,
            "is_internal": True,
            "record_name": False,
        },
    }
    for common in kinds.values():
        common["reply_to"] = Message._get_reply_to(common)
    rows = [
        dict(kinds["email_outgoing"], author_id=author, subject=subject)
        for author, _partner, subject, _body in mails
    ]
    rows += [
        dict(kinds["user_notification"], subject=subject)
        for _partner, subject, _body in inbox
    ]
    rows = perf_bulk_insert.complete_rows(Message, rows)
    for row in rows:
        row["message_id"] = Message._get_message_id(row)
    return rows


def _link(records, name, partner_ids):
    """Each record of ``records`` linked to its partner of ``partner_ids``
    through the many2many ``name``, in one statement."""
    field = records._fields[name]
    records.env.cr.execute(
        SQL(
            "INSERT INTO %s (%s, %s) SELECT * FROM unnest(%s::int[], %s::int[])",
            SQL.identifier(field.relation),
            SQL.identifier(field.column1),
            SQL.identifier(field.column2),
            records.ids,
            partner_ids,
        )
    )
    records.invalidate_recordset([name], flush=False)


def write_bodies(messages, bodies):
    """Set the digests' bodies in one statement, without running Odoo's
    HTML sanitizer on each (a parse and a serialization of every body:
    a third of the cost of an inbox message).

    Why it is safe: a body is ``perf_todo_mixin.DIGEST_BODY`` and its
    items, constant markup whose every value (names, summaries, dates,
    links) goes through ``Markup``'s escaping; the sanitizer finds nothing
    to remove in it and gives the same HTML, serialized its way (``"`` for
    ``&#34;``; the template's style is written as it writes styles):
    ``test_todo_digest_body_is_what_the_sanitizer_keeps`` checks it on
    hostile names. Nothing stored is computed from ``mail.message.body``
    (its preview is computed on read); the cache is dropped after."""
    messages.flush_recordset(["body"])
    messages.env.cr.execute(
        SQL(
            "UPDATE %s AS m SET body = u.body "
            "FROM unnest(%s::int[], %s::text[]) AS u(id, body) "
            "WHERE m.id = u.id",
            SQL.identifier(messages._table),
            messages.ids,
            [str(body) for body in bodies],
        )
    )
    messages.invalidate_recordset(["body"], flush=False)


def _create_digests_orm(env, sender, mails, inbox, inbox_author):
    """The same digests through the ORM's ``create``."""
    new_mails = env["mail.mail"].create(
        [
            {
                "subject": subject,
                "body_html": body,
                "author_id": author,
                "email_from": sender,
                "recipient_ids": [Command.link(partner)],
                "auto_delete": True,
            }
            for author, partner, subject, body in mails
        ]
    )
    note = env.ref("mail.mt_note")
    messages = env["mail.message"].create(
        [
            {
                "author_id": inbox_author,
                "email_from": sender or False,
                "message_type": "user_notification",
                "subtype_id": note.id,
                "is_internal": True,
                "subject": subject,
                "partner_ids": [Command.link(partner)],
            }
            for partner, subject, _body in inbox
        ]
    )
    write_bodies(messages, [body for _partner, _subject, body in inbox])
    env["mail.notification"].create(
        [
            {
                "mail_message_id": message.id,
                "res_partner_id": partner,
                "notification_type": "inbox",
            }
            for message, (partner, _subject, _body) in zip(messages, inbox, strict=True)
        ]
    )
    return new_mails, messages
