# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.perf_closed_loop.tests.common import PerfOrgCase


@tagged("post_install", "-at_install")
class TestSaleMeasures(PerfOrgCase):
    """The Sales measures on orders created here: the sales rep's confirmed
    sales (amounts in another currency converted at the order's date), new
    customers and quotations sent, refreshed into the review; an employee
    without Sales rights sees the value, not the orders."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.m_sales = cls.env.ref("perf_closed_loop_sale.perf_measure_sales_confirmed")
        cls.m_new = cls.env.ref(
            "perf_closed_loop_sale.perf_measure_sales_new_customers"
        )
        cls.m_sent = cls.env.ref(
            "perf_closed_loop_sale.perf_measure_sales_quotations_sent"
        )
        cls.company = cls.env.company
        cls.currency = cls.company.currency_id
        cls.foreign = cls.env.ref(
            "base.EUR" if cls.currency.name != "EUR" else "base.USD"
        )
        cls.foreign.active = True
        cls.env["res.currency.rate"].search(
            [("currency_id", "in", (cls.currency | cls.foreign).ids)]
        ).unlink()
        # 1 company unit = 0.5 foreign units from July, 0.25 from October.
        cls.env["res.currency.rate"].create(
            [
                {"currency_id": cls.foreign.id, "name": "2026-07-01", "rate": 0.5},
                {"currency_id": cls.foreign.id, "name": "2026-10-01", "rate": 0.25},
            ]
        )
        cls.pricelist = cls.env["product.pricelist"].create(
            {"name": "Foreign", "currency_id": cls.foreign.id}
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Consulting day", "type": "service", "list_price": 100}
        )
        cls.template = cls._measured_template(
            "Measured",
            [
                ("Sales", 60, 1000, cls.m_sales),
                ("New customers", 20, 4, cls.m_new),
                ("Quotations", 20, 10, cls.m_sent),
            ],
        )
        cls.cycle = cls._executing_cycle("2026 H2 sales", cls.dep_sales, cls.template)
        cls.review = cls.cycle.review_ids

    def _customer(self, name, created="2026-08-01 04:00:00"):
        partner = self.env["res.partner"].create(
            {"name": name, "user_id": self.user_sales.id, "is_company": True}
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET create_date = %s WHERE id = %s",
            (created, partner.id),
        )
        partner.invalidate_recordset()
        return partner

    def _order(self, partner, day, price, pricelist=None, user=None):
        return self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "user_id": (user or self.user_sales).id,
                "date_order": f"{day} 04:00:00",
                "pricelist_id": pricelist and pricelist.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "price_unit": price,
                            "tax_id": [Command.clear()],
                        }
                    )
                ],
            }
        )

    def _confirm(self, orders):
        """Confirm ``orders`` keeping their order date (Odoo sets it to the
        confirmation's moment)."""
        dates = {order: order.date_order for order in orders}
        orders.action_confirm()
        for order, day in dates.items():
            order.date_order = day
        return orders

    def _line(self, name):
        return self.review.line_ids.filtered(lambda x: x.name == name)

    def test_sales_in_the_company_currency_at_the_order_date(self):
        customer = self._customer("Acme")
        orders = (
            self._order(customer, "2026-08-15", 100, self.pricelist)  # 200
            | self._order(customer, "2026-10-15", 100, self.pricelist)  # 400
            | self._order(customer, "2026-09-01", 50)  # company currency
        )
        self.assertEqual(orders[0].currency_id, self.foreign)
        self._confirm(orders)
        # Draft and outside the period: not counted.
        self._order(customer, "2026-09-02", 1000)
        self._confirm(self._order(customer, "2027-01-02", 1000))
        self.review.with_user(self.user_sales).action_refresh_actuals()
        line = self._line("Sales")
        self.assertAlmostEqual(line.actual_value, 650.0)
        self.assertAlmostEqual(line.progress, 65.0)
        checkin = line.checkin_ids
        self.assertEqual(checkin.user_id, self.env.ref("base.user_root"))
        self.assertIn(f"650.00 {self.currency.name}", checkin.note)
        self.assertIn("3 records", checkin.note)

    def test_new_customers_and_quotations_sent(self):
        won = self._customer("Won")
        self._confirm(self._order(won, "2026-08-15", 10))
        old = self._customer("Old", created="2025-01-01 04:00:00")
        self._confirm(self._order(old, "2026-08-15", 10))
        lost = self._customer("Lost")
        self._order(lost, "2026-08-16", 10).action_quotation_sent()
        self._order(lost, "2026-08-17", 10)  # a draft: not sent
        self.env["perf.cycle"]._cron_refresh_actuals()
        self.assertEqual(self._line("New customers").actual_value, 1)
        self.assertEqual(self._line("Quotations").actual_value, 3)

    def test_nobody_else_orders_count_and_no_orders_is_zero(self):
        other = self._customer("Other's")
        self._confirm(self._order(other, "2026-08-15", 500, user=self.user_manager))
        self.review.with_user(self.user_sales).action_refresh_actuals()
        self.assertEqual(self._line("Sales").actual_value, 0)
        self.assertFalse(self._line("Sales").checkin_ids)
        self.assertFalse(self._line("Quotations").checkin_ids)

    def test_who_may_not_read_orders_sees_the_value_only(self):
        customer = self._customer("Acme")
        self._confirm(self._order(customer, "2026-08-15", 70))
        self.review.with_user(self.user_sales).action_refresh_actuals()
        line = self._line("Sales").with_user(self.user_sales)
        self.assertEqual(line.read(["actual_value"])[0]["actual_value"], 70)
        self.assertFalse(line.can_open_measured_records)
        with self.assertRaises(AccessError):
            line.action_open_measured_records()

    def test_a_salesperson_opens_their_orders(self):
        self.user_sales.groups_id |= self.env.ref("sales_team.group_sale_salesman")
        customer = self._customer("Acme")
        order = self._confirm(self._order(customer, "2026-08-15", 70))
        self._order(customer, "2026-08-15", 80, user=self.user_manager)
        line = self._line("Sales").with_user(self.user_sales)
        self.assertTrue(line.can_open_measured_records)
        action = line.action_open_measured_records()
        self.assertEqual(
            self.env["sale.order"].with_user(self.user_sales).search(action["domain"]),
            order,
        )
