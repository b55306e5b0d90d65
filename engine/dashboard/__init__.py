"""The coordinators' dashboard: where young people wait, how long, what is overdue, who is
overloaded and how many reach education or a job.

Every figure reads plain rows (tasks, instance_events, process_instances, course_facts,
course_people), never a workflow's state. One module per figure; :mod:`.config` says, per process,
which elements are the funnel's steps, which deadlines apply and how outcomes are read.
"""
