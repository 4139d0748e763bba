"""Parent organizations of the demo records (HSDS parent_organization_id).

The fixture names a parent where the sources do. A provincial department of a ministry
("Provincial Department of Labour and Vocational Training, Battambang") belongs to that
ministry by its very name, so it is linked here by its slug rather than copied into every
record: the ministry page then lists its provincial departments, and "MoLVT Battambang" finds
the Battambang department.
"""

PROVINCIAL_DEPARTMENT_PARENTS = {
    "provincial-labour-department-": "ministry-of-labour-and-vocational-training",
    "provincial-department-of-womens-affairs-": "ministry-of-womens-affairs",
    "provincial-education-department-": "ministry-of-education-youth-and-sports",
    "provincial-social-affairs-department-": "ministry-of-social-affairs-veterans-and-youth-rehabilitation",
}


def parent_slug(record):
    """The slug of the record's parent organization, or None."""
    if record.get("parent"):
        return record["parent"]
    for prefix, parent in PROVINCIAL_DEPARTMENT_PARENTS.items():
        if record["slug"].startswith(prefix):
            return parent
    return None
