"""The ``meetings`` step of ``flask academy demo``: rooms, trainers and meetings."""
