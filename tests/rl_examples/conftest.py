"""The examples import the gym stand-ins beside them as a module, as they would import gym."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
