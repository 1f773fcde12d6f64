"""Stand-ins for the gym environments Keras's reinforcement-learning examples use (gym is not a
dependency here): the same dynamics, rewards and episode limits, and gym's old API
(``reset()`` returns the observation, ``step()`` returns ``(observation, reward, done, info)``), so the
examples run with only their imports changed."""
import math

import numpy as np


class CartPole:
    """gym's CartPole-v0: push the cart left (0) or right (1); reward 1 per step while the pole stands,
    done when it leans past 12 degrees, the cart leaves [-2.4, 2.4], or after 200 steps."""

    gravity, masscart, masspole, length, force_mag, tau = 9.8, 1.0, 0.1, 0.5, 10.0, 0.02
    theta_threshold_radians, x_threshold, max_episode_steps = 12 * 2 * math.pi / 360, 2.4, 200

    def __init__(self):
        self.np_random = np.random.RandomState()

    def seed(self, seed):
        self.np_random = np.random.RandomState(seed)

    def reset(self):
        self.state, self.steps = self.np_random.uniform(low=-0.05, high=0.05, size=(4,)), 0
        return np.array(self.state)

    def step(self, action):
        x, x_dot, theta, theta_dot = self.state
        force = self.force_mag if action == 1 else -self.force_mag
        total_mass, polemass_length = self.masspole + self.masscart, self.masspole * self.length
        costheta, sintheta = math.cos(theta), math.sin(theta)
        temp = (force + polemass_length * theta_dot**2 * sintheta) / total_mass
        thetaacc = (self.gravity * sintheta - costheta * temp) / (
            self.length * (4.0 / 3.0 - self.masspole * costheta**2 / total_mass))
        xacc = temp - polemass_length * thetaacc * costheta / total_mass
        x, x_dot = x + self.tau * x_dot, x_dot + self.tau * xacc
        theta, theta_dot = theta + self.tau * theta_dot, theta_dot + self.tau * thetaacc
        self.state, self.steps = (x, x_dot, theta, theta_dot), self.steps + 1
        done = bool(abs(x) > self.x_threshold or abs(theta) > self.theta_threshold_radians
                    or self.steps >= self.max_episode_steps)
        return np.array(self.state), 1.0, done, {}


class Box:
    """gym's Box space: its bounds and shape."""

    def __init__(self, low, high):
        self.low, self.high = np.asarray(low, np.float32), np.asarray(high, np.float32)
        self.shape = self.low.shape


class Pendulum:
    """gym's Pendulum: observation (cos, sin, angular speed), a torque in [-2, 2]; the reward is minus
    the angle's square, 0.1 the speed's and 0.001 the torque's; 200 steps an episode (gym's; a test may
    ask for fewer)."""

    max_speed, max_torque, dt, g, m, l = 8.0, 2.0, 0.05, 10.0, 1.0, 1.0  # noqa: E741 - gym's names

    def __init__(self, max_episode_steps=200):
        self.max_episode_steps = max_episode_steps
        self.observation_space = Box([-1.0, -1.0, -8.0], [1.0, 1.0, 8.0])
        self.action_space = Box([-2.0], [2.0])

    def reset(self):
        self.state, self.steps = np.random.uniform(low=[-np.pi, -1.0], high=[np.pi, 1.0]), 0
        return self._observation()

    def _observation(self):
        theta, thetadot = self.state
        return np.array([np.cos(theta), np.sin(theta), thetadot], dtype=np.float32)

    def step(self, u):
        th, thdot = self.state
        u = float(np.clip(u, -self.max_torque, self.max_torque)[0])
        costs = ((th + np.pi) % (2 * np.pi) - np.pi) ** 2 + 0.1 * thdot**2 + 0.001 * u**2
        newthdot = thdot + (3 * self.g / (2 * self.l) * np.sin(th) + 3.0 / (self.m * self.l**2) * u) * self.dt
        newthdot = np.clip(newthdot, -self.max_speed, self.max_speed)
        self.state, self.steps = np.array([th + newthdot * self.dt, newthdot]), self.steps + 1
        return self._observation(), -costs, self.steps >= self.max_episode_steps, {}
