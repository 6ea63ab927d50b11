"""The staff console home: what needs doing for the signed-in person, from every domain."""
