# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Who is whose manager: the nearest *other* person up the org chart.

Odoo computes an employee's manager from their department's head, so a head
placed in their own department becomes their own manager. Here a person's
manager, skip-level manager and department head are always somebody else:
the next person up the chart who can act (an active employee with an active
user), found through the employee's manager, then the heads of their
department and of its parents. Nobody found means HR stands in.
"""

from typing import NamedTuple

# Why the resolved manager is not simply the employee's manager in Odoo.
OWN_HEAD = "own_head"  # heads their own department: the parent's head
NO_MANAGER = "no_manager"  # nobody above: HR stands in
MANAGER_CANNOT_ACT = "manager_cannot_act"  # no (active) user: next one up
LOOP = "loop"  # the chart loops back: stopped there
CASES = (OWN_HEAD, NO_MANAGER, MANAGER_CANNOT_ACT, LOOP)


class Person(NamedTuple):
    """One employee of the chart: their manager (employee id or None),
    department (id or None) and whether they can act (active, with an
    active user)."""

    parent: object
    department: object
    can_act: bool


class Department(NamedTuple):
    parent: object
    head: object


class Resolution(NamedTuple):
    manager: object
    skip_manager: object
    department_head: object
    cases: tuple


def _superiors(start, people, departments):
    """Everyone above ``start``, nearest first, each once: their manager,
    then the head of their department and of each parent department."""
    seen = {start}
    current = start
    while True:
        person = people.get(current)
        if person is None:
            return
        found = None
        if person.parent is not None and person.parent not in seen:
            found = person.parent
        else:
            department = person.department
            hops = 0
            while department is not None and hops <= len(departments):
                node = departments.get(department)
                if node is None:
                    break
                if node.head is not None and node.head not in seen:
                    found = node.head
                    break
                department = node.parent
                hops += 1
        if found is None:
            return
        seen.add(found)
        yield found
        current = found


def _first_able(start, people, departments, exclude):
    """The first person above ``start`` who can act and is not excluded,
    and whether somebody who could not act was passed over."""
    passed = False
    for candidate in _superiors(start, people, departments):
        if candidate in exclude:
            continue
        person = people.get(candidate)
        if person is not None and person.can_act:
            return candidate, passed
        passed = True
    return None, passed


def _department_head(employee, people, departments):
    person = people[employee]
    department = person.department
    hops = 0
    while department is not None and hops <= len(departments):
        node = departments.get(department)
        if node is None:
            return None
        head = node.head
        if head is not None and head != employee:
            head_person = people.get(head)
            if head_person is not None and head_person.can_act:
                return head
        department = node.parent
        hops += 1
    return None


def resolve(employee, people, departments):
    """Manager, skip-level manager and department head of ``employee``.

    ``people`` maps employee id -> :class:`Person`, ``departments`` maps
    department id -> :class:`Department`. Each result is another person who
    can act, or None (HR stands in); ``cases`` names why the result differs
    from the chart as Odoo shows it (``CASES``)."""
    if employee not in people:
        raise ValueError(f"Unknown employee {employee!r}.")
    person = people[employee]
    cases = []
    own_department = departments.get(person.department)
    heads_own = own_department is not None and own_department.head == employee
    if person.parent == employee or (heads_own and person.parent is None):
        cases.append(OWN_HEAD)
    manager, passed = _first_able(employee, people, departments, {employee})
    if manager is None:
        cases.append(NO_MANAGER)
    elif passed:
        cases.append(MANAGER_CANNOT_ACT)
    skip = None
    if manager is not None:
        skip, _passed = _first_able(manager, people, departments, {employee, manager})
    if _loops(employee, people):
        cases.append(LOOP)
    head = _department_head(employee, people, departments)
    return Resolution(manager, skip, head, tuple(cases))


def _loops(employee, people):
    """Whether following managers up from ``employee`` leads back to them
    through somebody else (A manages B, B manages A)."""
    seen = set()
    current = people[employee].parent
    while (
        current is not None
        and current != employee
        and current not in seen
        and current in people
    ):
        seen.add(current)
        current = people[current].parent
    return current == employee and people[employee].parent != employee


def resolve_all(employees, people, departments):
    """``resolve`` for each of ``employees``: {employee: Resolution}."""
    return {e: resolve(e, people, departments) for e in employees}
