"""What the tests share: documents made from known fields, the data they read, clients and processes.

Test modules import from here, never from one another, so a test file can be moved or deleted alone.
"""
