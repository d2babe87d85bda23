# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from collections import defaultdict

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.tools import SQL, create_index
from odoo.tools.misc import format_date

from . import perf_bulk_insert, perf_bulk_mail

BULK_CONTEXT = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "mail_activity_automation_skip": True,
}
TODO_TYPE = "perf_closed_loop.mail_activity_type_perf_todo"
# Context key: mail.activity's own per-assignee subscription is skipped
# because the caller subscribes the whole batch (_add_followers_batch).
FOLLOWERS_BATCHED = "perf_followers_batched"
DIGEST_BODY = Markup(
    "<p>%s</p><p>%s</p><ul>%s</ul>"
    '<p><a href="%s" style="padding:8px 12px; color:#fff; text-decoration:none; '
    'background-color:#714B67; border-radius:3px">%s</a></p>'
)


class PerfTodoMixin(models.AbstractModel):
    """The to-dos of the performance loop, shared by reviews, ratings and
    calibrations (and cycles, for HR's "confirm and launch" of a recurring
    cycle, given one by one): a to-do is a ``mail.activity`` of the
    performance type for one person, with a deadline, written in that
    person's language.

    Bulk phases (launch, start of the evaluation …) only mark records
    ``todo_pending``; the batched job ``_cron_deliver_todos``
    (``perf.job.mixin``, run on ``perf.cycle``) then creates the activities
    of a batch at once, subscribes the assignees per batch, and sends each
    person ONE digest of their new to-dos (e-mail or Discuss inbox, as they
    chose) and one real-time notification. A model using the mixin says who
    gets its pending to-do (``_pending_todo``) and where the digest links to
    (``_todo_action``).
    """

    _name = "perf.todo.mixin"
    _description = "Performance to-dos"

    # Action the digest's button opens (the list of one's to-dos).
    _todo_action = "perf_closed_loop.perf_review_action_todo"
    # Whether a finished to-do leaves a "done" message in the chatter (not
    # for ratings: it would name an anonymous peer).
    _todo_done_message = True

    # Indexed in ``init``, only where true: the delivery job looks for the
    # few pending rows among thousands delivered.
    todo_pending = fields.Boolean(
        readonly=True, copy=False, help="To-do not delivered yet."
    )

    def init(self):
        super().init()
        if self._abstract or not self._auto:
            return
        create_index(
            self.env.cr,
            f"{self._table}_todo_pending_id_index",
            self._table,
            ['"id"'],
            where='"todo_pending"',
        )

    # ---------------------------------------------------------- one by one
    def _env_for(self, user):
        """Environment in ``user``'s language, for what they will read."""
        lang = user.lang or self.env.lang
        if lang == self.env.context.get("lang"):
            return self.env  # what with_context would give, at no cost
        return self.with_context(lang=lang).env

    def _todo_author(self):
        """The system (OdooBot) gives the loop's to-dos: not the person whose
        click opened them (the reviewed employee submitting their self
        rating must not "assign" their manager's review, nor author, and so
        read, the notification sent on a rating they may not see)."""
        return self.env.ref("base.user_root")

    def _schedule_todo(self, user, summary, deadline):
        self.ensure_one()
        if not user:
            return
        self.with_user(self._todo_author()).with_context(
            **{FOLLOWERS_BATCHED: not self._todo_follow(user)}
        ).activity_schedule(
            TODO_TYPE,
            date_deadline=deadline or fields.Date.context_today(self),
            summary=summary,
            user_id=user.id,
        )

    def _close_todos(self):
        """The current user's to-dos are done; other open ones are void."""
        activities = self._todo_activities()
        mine = activities.filtered(lambda a: a.user_id == self.env.user)
        if self._todo_done_message:
            mine.action_feedback(feedback=self.env._("Done"))
        else:
            mine.sudo().unlink()
        (activities - mine).sudo().unlink()

    def _todo_activities(self):
        return (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("activity_type_id", "=", self.env.ref(TODO_TYPE).id),
                ]
            )
        )

    def _todo_follow(self, user):
        """Whether ``user`` follows the record they have a to-do on."""
        return True

    # ------------------------------------------------------------ in bulk
    def _pending_todo(self):
        """(user, summary in the user's language, deadline) of this record's
        pending to-do, or None when nobody can take it."""
        raise NotImplementedError

    def _todo_digest_intro(self, env, count):
        return env._("Your new performance to-dos (%(count)s):", count=count)

    def _todo_bus_message(self, env):
        return env._("You have new performance to-dos.")

    def _deliver_pending_todos(self):
        """Create the pending to-dos of these records in one batch."""
        activity_type = self.env.ref(TODO_TYPE)
        model_id = self.env["ir.model"]._get_id(self._name)
        # Each activity names its record: their names are read at once here,
        # not one by one when the activities are created.
        self.mapped("display_name")
        vals_list = []
        follow = []
        for record in self:
            todo = record._pending_todo()
            if not todo:
                continue
            user, summary, deadline = todo
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": record.id,
                    "activity_type_id": activity_type.id,
                    "user_id": user.id,
                    "date_deadline": deadline or fields.Date.context_today(self),
                    "summary": summary,
                }
            )
            if record._todo_follow(user):
                follow.append((record.id, user.partner_id.id))
        # No per-activity message or e-mail: thousands of them would take
        # minutes. Each person gets the to-do in their activities, one
        # real-time notification and one digest of their to-dos (e-mail or
        # Discuss inbox, as they chose), in their language.
        activities = self._create_todo_activities(vals_list)
        # mail.activity subscribes each assignee on its own (three queries
        # a person): done here for the whole batch instead.
        self._add_followers_batch(follow)
        # Not tracked, and no tracked field depends on it: no tracking
        # (mail.thread would otherwise read every tracked field of the batch
        # before the write and compare them again at commit).
        self.sudo().with_context(**BULK_CONTEXT).write({"todo_pending": False})
        self._notify_todo_digest(activities)
        users = activities.user_id
        for lang in set(users.mapped("lang")):
            partners = users.filtered(lambda u, lang=lang: u.lang == lang).partner_id
            env_lang = self.with_context(lang=lang).env
            partners._bus_send(
                "simple_notification",
                {
                    "title": env_lang._("Performance review"),
                    "message": self._todo_bus_message(env_lang),
                    "sticky": True,
                    "type": "info",
                },
            )
        return activities

    def _todo_activity_model(self):
        """``mail.activity`` as the to-dos' author, with the bulk context:
        no "assigned to you" e-mail, no subscription (done per batch)."""
        return (
            self.env["mail.activity"]
            .with_user(self._todo_author())
            .with_context(
                mail_activity_quick_update=True,
                **BULK_CONTEXT,
                **{FOLLOWERS_BATCHED: True},
            )
        )

    def _create_todo_activities(self, vals_list, orm=False):
        """The to-dos of ``vals_list`` (res_model_id, res_id on records of
        this model, activity_type_id, user_id, date_deadline, summary), as
        ``mail.activity.create`` would store them, in one statement.

        Why set-based is safe here (issue 21): in this context core's
        ``create`` adds nothing but the rows. It sends no e-mail
        (``mail_activity_quick_update``) and subscribes nobody (the caller
        does it per batch); its author is the superuser, so no access check
        applies; ``mail.activity`` has no Python constraint, and the
        database checks the rest (required columns, foreign keys,
        ``check_res_id_is_set``). The stored computed fields are given here
        as core computes them: ``res_model`` (related to the model),
        ``res_name`` (the record's name, read in sudo), ``user_tz`` (related
        to the assignee), ``date_done`` (empty while active). What is left
        is core's "activity created" bus message, sent below as core sends
        it. ``test_todo_activities_inserted_as_the_orm_would`` compares
        every stored column with the ORM's. Falls back on the ORM when
        another add-on gave ``mail.activity`` a stored field with a default
        or a compute (``can_insert``), or with ``orm``."""
        Activity = self._todo_activity_model()
        # Read for the whole batch at once (iterating a recordset prefetches).
        names = {record.id: record.display_name for record in self.sudo()}
        users = self.env["res.users"].sudo().browse({v["user_id"] for v in vals_list})
        timezones = {user.id: user.tz for user in users}
        rows = [
            dict(
                vals,
                res_model=self._name,
                res_name=names[vals["res_id"]],
                user_tz=timezones[vals["user_id"]],
                date_done=False,
                active=True,
            )
            for vals in vals_list
        ]
        if orm or not rows or not perf_bulk_insert.can_insert(Activity, list(rows[0])):
            return Activity.create(vals_list)
        activities = perf_bulk_insert.insert_rows(Activity, rows)
        # Core's create, when a new activity is due today or earlier, sends
        # "activity created" to the assignee of the last activity (its loop
        # variable): the same here, not one more bus message per person.
        today = fields.Date.today()
        if any(fields.Date.to_date(row["date_deadline"]) <= today for row in rows):
            activities[-1:].user_id._bus_send(
                "mail.activity/updated", {"activity_created": True}
            )
        return activities

    def message_subscribe(self, partner_ids=None, subtype_ids=None):
        if self.env.context.get(FOLLOWERS_BATCHED):
            return True  # see _add_followers_batch
        return super().message_subscribe(partner_ids, subtype_ids)

    def _add_followers_batch(self, pairs):
        """Make each partner follow its record, for (record id, partner id)
        pairs, in a constant number of queries."""
        pairs = set(pairs)
        if not pairs:
            return
        Followers = self.env["mail.followers"].sudo()
        existing = Followers.search_fetch(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", list({res_id for res_id, _partner in pairs})),
            ],
            ["res_id", "partner_id"],
        )
        pairs -= {(f.res_id, f.partner_id.id) for f in existing}
        subtypes = self.env["mail.message.subtype"].default_subtypes(self._name)[0]
        pairs = sorted(pairs)
        if not pairs:
            return
        if not perf_bulk_insert.can_insert(
            Followers, ["res_model", "res_id", "partner_id"]
        ):
            Followers.create(
                [
                    {
                        "res_model": self._name,
                        "res_id": res_id,
                        "partner_id": partner_id,
                        "subtype_ids": [Command.set(subtypes.ids)],
                    }
                    for res_id, partner_id in pairs
                ]
            )
            return
        # Set-based (issue 21): core's create of followers adds nothing to
        # the rows (its _invalidate_documents drops no cache in 18.0), they
        # have no log columns, no Python constraint, and the database checks
        # the rest (required columns, foreign keys, one follower per
        # partner and record: the existing ones are left out above).
        # ``insert_rows`` drops the records' caches of their followers.
        followers = perf_bulk_insert.insert_rows(
            Followers,
            [
                {"res_model": self._name, "res_id": res_id, "partner_id": partner_id}
                for res_id, partner_id in pairs
            ],
        )
        relation = Followers._fields["subtype_ids"]
        if subtypes:
            self.env.cr.execute(
                SQL(
                    "INSERT INTO %s (%s, %s) SELECT f, s "
                    "FROM unnest(%s::int[]) AS f CROSS JOIN unnest(%s::int[]) AS s",
                    SQL.identifier(relation.relation),
                    SQL.identifier(relation.column1),
                    SQL.identifier(relation.column2),
                    followers.ids,
                    subtypes.ids,
                )
            )
        self.invalidate_model(["message_partner_ids", "message_is_follower"])

    @api.model
    def _notify_todo_digest(self, activities, overdue=False):
        """Tell each person of their to-dos among ``activities`` (on records
        of this model), in their language: the new ones, or the ``overdue``
        ones. One e-mail per person who takes notifications by e-mail (sent
        later by Odoo's mail queue), one Discuss inbox message per person who
        reads them in Odoo; a constant number of queries whatever the
        headcount."""
        by_user = defaultdict(list)
        for activity in activities:
            by_user[activity.user_id].append(activity)
        if not by_user:
            return
        first = activities[0]
        cycle = self.env[first.res_model].browse(first.res_id).cycle_id
        sender = (
            cycle.hr_user_id.email_formatted
            or cycle.company_id.email_formatted
            or self.env["ir.mail_server"]._get_default_from_address()
        )
        base_url = cycle.get_base_url()
        link = f"{base_url}/odoo/action-{self._todo_action}"
        mails, inbox = [], []
        memo = {}
        # The author core's default_get would compute for each e-mail.
        mail_author = self.env.user.partner_id.id
        for user, todos in by_user.items():
            by_email = user.notification_type == "email"
            if by_email and not (user.email and sender):
                continue
            subject, body = self._todo_digest_content(
                user, todos, overdue, link, base_url, memo=memo
            )
            if by_email:
                mails.append((mail_author, user.partner_id.id, subject, body))
            else:
                inbox.append((user.partner_id.id, subject, body))
        # Inbox digests from the system, like the to-dos: the author of a
        # message reads it, and one person's digest is theirs alone (not the
        # cycle's HR officer's, who is told of nobody's to-dos).
        perf_bulk_mail.create_digests(
            self.env, sender, mails, inbox, self._todo_author().partner_id.id
        )
        if mails:
            self.env.ref("mail.ir_cron_mail_scheduler_action")._trigger()

    def _todo_digest_content(self, user, todos, overdue, link, base_url, memo=None):
        """Subject and body of one person's to-do digest, in their language;
        each to-do links to its record. ``memo`` (a dict kept over one
        batch's digests) keeps what is the same for everyone of a language
        (the formatted deadlines, the fixed texts, the links' prefixes)
        instead of translating and formatting it again for each to-do."""
        memo = {} if memo is None else memo
        lang = user.lang or self.env.lang
        texts = memo.get(lang)
        if texts is None:
            env = self._env_for(user)
            _ = env._
            texts = memo[lang] = {
                "env": env,
                "due": {},
                "open": _("Open my to-dos"),
                "subject": (
                    _("Performance review: overdue to-dos")
                    if overdue
                    else _("Performance review: your to-dos")
                ),
            }
        env = texts["env"]
        _ = env._
        due = texts["due"]
        prefixes = memo.setdefault("prefixes", {})
        items = []
        for activity in todos:
            res_model = activity.res_model
            prefix = prefixes.get(res_model)
            if prefix is None:
                prefix = prefixes[res_model] = (
                    f"{base_url}/odoo/action-{self.env[res_model]._todo_action}/"
                )
            deadline = activity.date_deadline
            due_text = due.get(deadline)
            if due_text is None:
                due_text = due[deadline] = _(
                    "due %(date)s", date=format_date(env, deadline)
                )
            items.append(
                Markup('<li><a href="%s">%s</a> — %s</li>')
                % (f"{prefix}{activity.res_id}", activity.summary, due_text)
            )
        if overdue:
            intro = _(
                "These to-dos are past their deadline (%(count)s):", count=len(todos)
            )
        else:
            intro = self._todo_digest_intro(env, len(todos))
        body = DIGEST_BODY % (
            _("Hello %(name)s,", name=user.name),
            intro,
            Markup("").join(items),
            link,
            texts["open"],
        )
        return texts["subject"], body

    @api.model
    def _todo_models(self):
        """The models whose to-dos the jobs deliver, in delivery order."""
        return [
            name
            for name in (
                "perf.review",
                "perf.review.rating",
                "perf.calibration",
                "perf.interview",
            )
            if name in self.env
        ]
