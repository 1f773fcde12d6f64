"""Deep Q-learning with a target network and a custom training step, in the course lab's style.

The environment is a corridor of five cells, small enough that the right answer is known: the
agent starts anywhere, moves left or right, and earns 1 when it reaches the right end (which
ends the episode). With discount gamma, the best value of taking action a in cell s is
``Q*(s, right) = gamma ** (3 - s)`` and ``Q*(s, left) = gamma * max Q*(s - 1, .)`` (the wall keeps
cell 0 in place). A Q-network learns these from an experience buffer, with the lab's loss
(targets from a slowly updated copy of the network, the Bellman equation, MSE on the actions
taken, picked with tf.gather_nd) and its soft target update.

    python examples/q_learning.py
"""
from collections import deque, namedtuple

import numpy as np

import glassnet as tf
from glassnet.keras import Sequential
from glassnet.keras.layers import Dense, Input
from glassnet.keras.losses import MSE
from glassnet.keras.optimizers import Adam

CELLS, ACTIONS, GOAL = 5, 2, 4
GAMMA, TAU, ALPHA = 0.9, 1e-2, 1e-2
Experience = namedtuple("Experience", field_names=["state", "action", "reward", "next_state", "done"])


def one_hot(cell):
    return np.eye(CELLS, dtype=np.float32)[cell]


def step(cell, action):
    """(next cell, reward, done): action 0 moves left (a wall at 0), 1 moves right."""
    next_cell = max(cell - 1, 0) if action == 0 else cell + 1
    return next_cell, float(next_cell == GOAL), next_cell == GOAL


def optimal_q():
    """Q*(s, a) for the cells before the goal, from the Bellman equation by hand."""
    q = np.zeros((GOAL, ACTIONS))
    for cell in range(GOAL - 1, -1, -1):
        q[cell, 1] = GAMMA ** (GOAL - 1 - cell)
    for cell in range(GOAL):
        q[cell, 0] = GAMMA * q[max(cell - 1, 0)].max()
    return q


def q_network():
    return Sequential([Input(shape=(CELLS,)), Dense(units=32, activation="relu"),
                       Dense(units=32, activation="relu"), Dense(units=ACTIONS, activation="linear")])


def compute_loss(experiences, gamma, q_network, target_q_network):
    """The lab's loss: MSE between the Bellman targets and the Q-values of the actions taken."""
    states, actions, rewards, next_states, done_vals = experiences
    max_qsa = tf.reduce_max(target_q_network(next_states), axis=-1)
    y_targets = rewards + (gamma * max_qsa * (1 - done_vals))
    q_values = q_network(states)
    q_values = tf.gather_nd(q_values, tf.stack([tf.range(q_values.shape[0]), tf.cast(actions, tf.int32)], axis=1))
    return MSE(y_targets, q_values)


def update_target_network(q_network, target_q_network):
    """The lab's soft update: the target's weights move TAU of the way to the network's."""
    for target_weights, q_net_weights in zip(target_q_network.weights, q_network.weights):
        target_weights.assign(TAU * q_net_weights + (1.0 - TAU) * target_weights)


def get_experiences(memory_buffer, rng, batch_size=64):
    experiences = [memory_buffer[i] for i in rng.choice(len(memory_buffer), size=batch_size)]
    states = tf.convert_to_tensor(np.array([e.state for e in experiences]), dtype=tf.float32)
    actions = tf.convert_to_tensor(np.array([e.action for e in experiences]), dtype=tf.float32)
    rewards = tf.convert_to_tensor(np.array([e.reward for e in experiences]), dtype=tf.float32)
    next_states = tf.convert_to_tensor(np.array([e.next_state for e in experiences]), dtype=tf.float32)
    done_vals = tf.convert_to_tensor(np.array([e.done for e in experiences]).astype(np.uint8), dtype=tf.float32)
    return states, actions, rewards, next_states, done_vals


def main(updates=3000, seed=0):
    tf.random.set_seed(seed)
    rng = np.random.default_rng(seed)
    q_net, target_q_net = q_network(), q_network()
    target_q_net.set_weights(q_net.get_weights())
    optimizer = Adam(learning_rate=ALPHA)

    @tf.function
    def agent_learn(experiences, gamma):
        with tf.GradientTape() as tape:
            loss = compute_loss(experiences, gamma, q_net, target_q_net)
        gradients = tape.gradient(loss, q_net.trainable_variables)
        optimizer.apply_gradients(zip(gradients, q_net.trainable_variables))
        update_target_network(q_net, target_q_net)
        return loss

    memory_buffer = deque(maxlen=10_000)
    cell = int(rng.integers(GOAL))
    for _ in range(updates):
        action = int(rng.integers(ACTIONS))  # explore uniformly: every Q(s, a) is learned
        next_cell, reward, done = step(cell, action)
        memory_buffer.append(Experience(one_hot(cell), action, reward, one_hot(next_cell), done))
        cell = int(rng.integers(GOAL)) if done else next_cell
        if len(memory_buffer) >= 64:
            loss = agent_learn(get_experiences(memory_buffer, rng), GAMMA)
    learned = q_net.predict(np.eye(CELLS, dtype=np.float32)[:GOAL], verbose=0)
    error = float(np.max(np.abs(learned - optimal_q())))
    print(f"last loss {float(loss):.5f}; largest error of Q against Q*: {error:.3f}")
    print("Q (rows: cells 0-3; columns: left, right):", np.round(learned.astype(float), 2).tolist())
    print("Q*:", np.round(optimal_q(), 2).tolist())
    return learned, optimal_q()


if __name__ == "__main__":
    main()
