"""Keras's reinforcement-learning examples, run as a user would: the code as written, with only the
imports changed and gym replaced by the stand-ins in gym_standins.py (the same dynamics and API).

Sources (keras-io): ``examples/rl/actor_critic_cartpole.py`` (2020/05/13) and
``examples/rl/ddpg_pendulum.py`` (the version without BatchNormalization). Changes are marked ``# SUBST``.

The actor-critic example trains a two-output functional model inside one GradientTape per episode; its
critic learns through ``huber_loss(value, ret)``, where the critic's own output is the loss's *y_true*,
so it needs losses that pass gradients to y_true as Keras's do.
"""
import numpy as np

import glassnet as tf  # SUBST: was `import tensorflow as tf`
from glassnet import keras  # SUBST: was `from tensorflow import keras`
from glassnet.keras import layers  # SUBST: was `from tensorflow.keras import layers`
from gym_standins import CartPole, Pendulum  # SUBST: was `import gym`


def test_actor_critic_cartpole_learns_to_balance(capsys):
    # Configuration parameters for the whole setup
    seed = 42
    gamma = 0.99  # Discount factor for past rewards
    max_steps_per_episode = 10000
    env = CartPole()  # SUBST: gym.make("CartPole-v0")
    env.seed(seed)
    np.random.seed(seed)  # SUBST: added, so that the test is reproducible
    tf.random.set_seed(seed)  # SUBST: added
    eps = np.finfo(np.float32).eps.item()  # Smallest number such that 1.0 + eps != 1.0

    num_inputs = 4
    num_actions = 2
    num_hidden = 128

    inputs = layers.Input(shape=(num_inputs,))
    common = layers.Dense(num_hidden, activation="relu")(inputs)
    action = layers.Dense(num_actions, activation="softmax")(common)
    critic = layers.Dense(1)(common)

    model = keras.Model(inputs=inputs, outputs=[action, critic])

    optimizer = keras.optimizers.Adam(learning_rate=0.01)
    huber_loss = keras.losses.Huber()
    action_probs_history = []
    critic_value_history = []
    rewards_history = []
    running_reward = 0
    episode_count = 0

    while True:  # Run until solved
        state = env.reset()
        episode_reward = 0
        with tf.GradientTape() as tape:
            for timestep in range(1, max_steps_per_episode):  # noqa: B007 - as the example writes it
                state = tf.convert_to_tensor(state)
                state = tf.expand_dims(state, 0)

                # Predict action probabilities and estimated future rewards
                # from environment state
                action_probs, critic_value = model(state)
                critic_value_history.append(critic_value[0, 0])

                # Sample action from action probability distribution
                action = np.random.choice(num_actions, p=np.squeeze(action_probs))
                action_probs_history.append(tf.math.log(action_probs[0, action]))

                # Apply the sampled action in our environment
                state, reward, done, _ = env.step(action)
                rewards_history.append(reward)
                episode_reward += reward

                if done:
                    break

            # Update running reward to check condition for solving
            running_reward = 0.05 * episode_reward + (1 - 0.05) * running_reward

            # Calculate expected value from rewards
            returns = []
            discounted_sum = 0
            for r in rewards_history[::-1]:
                discounted_sum = r + gamma * discounted_sum
                returns.insert(0, discounted_sum)

            # Normalize
            returns = np.array(returns)
            returns = (returns - np.mean(returns)) / (np.std(returns) + eps)
            returns = returns.tolist()

            # Calculating loss values to update our network
            history = zip(action_probs_history, critic_value_history, returns)
            actor_losses = []
            critic_losses = []
            for log_prob, value, ret in history:
                diff = ret - value
                actor_losses.append(-log_prob * diff)  # actor loss
                critic_losses.append(huber_loss(tf.expand_dims(value, 0), tf.expand_dims(ret, 0)))

            # Backpropagation
            loss_value = sum(actor_losses) + sum(critic_losses)
            grads = tape.gradient(loss_value, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))

            # Clear the loss and reward history
            action_probs_history.clear()
            critic_value_history.clear()
            rewards_history.clear()

        # Log details
        episode_count += 1
        if episode_count % 10 == 0:
            template = "running reward: {:.2f} at episode {}"
            print(template.format(running_reward, episode_count))

        if running_reward > 150:  # Condition to consider the task solved (SUBST: 195, to keep the test short)
            print("Solved at episode {}!".format(episode_count))
            break
        assert episode_count < 500, f"not solved after 500 episodes: running reward {running_reward:.1f}"  # SUBST

    printed = capsys.readouterr().out
    assert "Solved at episode" in printed and "running reward: " in printed
    assert all(g is not None for g in grads)  # the critic's head learns through huber_loss's y_true too


def test_ddpg_pendulum_trains_actor_and_critic(tmp_path, monkeypatch):
    """One episode of the DDPG example, cut to 50 of gym's 200 steps (it needs about 50 whole episodes
    to swing the pendulum up): every network's weights move, the targets track them at rate tau, and
    the weights files are written."""
    monkeypatch.chdir(tmp_path)
    np.random.seed(0)
    tf.random.set_seed(0)
    env = Pendulum(max_episode_steps=50)  # SUBST: gym.make("Pendulum-v1"), 200 steps an episode
    num_states = env.observation_space.shape[0]
    num_actions = env.action_space.shape[0]
    upper_bound = env.action_space.high[0]
    lower_bound = env.action_space.low[0]

    class OUActionNoise:
        def __init__(self, mean, std_deviation, theta=0.15, dt=1e-2, x_initial=None):
            self.theta = theta
            self.mean = mean
            self.std_dev = std_deviation
            self.dt = dt
            self.x_initial = x_initial
            self.reset()

        def __call__(self):
            x = (
                self.x_prev
                + self.theta * (self.mean - self.x_prev) * self.dt
                + self.std_dev * np.sqrt(self.dt) * np.random.normal(size=self.mean.shape)
            )
            self.x_prev = x
            return x

        def reset(self):
            if self.x_initial is not None:
                self.x_prev = self.x_initial
            else:
                self.x_prev = np.zeros_like(self.mean)

    class Buffer:
        def __init__(self, buffer_capacity=100000, batch_size=64):
            self.buffer_capacity = buffer_capacity
            self.batch_size = batch_size
            self.buffer_counter = 0
            self.state_buffer = np.zeros((self.buffer_capacity, num_states))
            self.action_buffer = np.zeros((self.buffer_capacity, num_actions))
            self.reward_buffer = np.zeros((self.buffer_capacity, 1))
            self.next_state_buffer = np.zeros((self.buffer_capacity, num_states))

        def record(self, obs_tuple):
            index = self.buffer_counter % self.buffer_capacity
            self.state_buffer[index] = obs_tuple[0]
            self.action_buffer[index] = obs_tuple[1]
            self.reward_buffer[index] = obs_tuple[2]
            self.next_state_buffer[index] = obs_tuple[3]
            self.buffer_counter += 1

        @tf.function
        def update(self, state_batch, action_batch, reward_batch, next_state_batch):
            with tf.GradientTape() as tape:
                target_actions = target_actor(next_state_batch, training=True)
                y = reward_batch + gamma * target_critic([next_state_batch, target_actions], training=True)
                critic_value = critic_model([state_batch, action_batch], training=True)
                critic_loss = tf.math.reduce_mean(tf.math.square(y - critic_value))
            critic_grad = tape.gradient(critic_loss, critic_model.trainable_variables)
            critic_optimizer.apply_gradients(zip(critic_grad, critic_model.trainable_variables))

            with tf.GradientTape() as tape:
                actions = actor_model(state_batch, training=True)
                critic_value = critic_model([state_batch, actions], training=True)
                actor_loss = -tf.math.reduce_mean(critic_value)
            actor_grad = tape.gradient(actor_loss, actor_model.trainable_variables)
            actor_optimizer.apply_gradients(zip(actor_grad, actor_model.trainable_variables))

        def learn(self):
            record_range = min(self.buffer_counter, self.buffer_capacity)
            batch_indices = np.random.choice(record_range, self.batch_size)
            state_batch = tf.convert_to_tensor(self.state_buffer[batch_indices])
            action_batch = tf.convert_to_tensor(self.action_buffer[batch_indices])
            reward_batch = tf.convert_to_tensor(self.reward_buffer[batch_indices])
            reward_batch = tf.cast(reward_batch, dtype=tf.float32)
            next_state_batch = tf.convert_to_tensor(self.next_state_buffer[batch_indices])
            self.update(state_batch, action_batch, reward_batch, next_state_batch)

    @tf.function
    def update_target(target_weights, weights, tau):
        for (a, b) in zip(target_weights, weights):
            a.assign(b * tau + a * (1 - tau))

    def get_actor():
        last_init = tf.random_uniform_initializer(minval=-0.003, maxval=0.003)
        inputs = layers.Input(shape=(num_states,))
        out = layers.Dense(256, activation="relu")(inputs)
        out = layers.Dense(256, activation="relu")(out)
        outputs = layers.Dense(1, activation="tanh", kernel_initializer=last_init)(out)
        outputs = outputs * upper_bound
        return tf.keras.Model(inputs, outputs)

    def get_critic():
        state_input = layers.Input(shape=(num_states))
        state_out = layers.Dense(16, activation="relu")(state_input)
        state_out = layers.Dense(32, activation="relu")(state_out)
        action_input = layers.Input(shape=(num_actions))
        action_out = layers.Dense(32, activation="relu")(action_input)
        concat = layers.Concatenate()([state_out, action_out])
        out = layers.Dense(256, activation="relu")(concat)
        out = layers.Dense(256, activation="relu")(out)
        outputs = layers.Dense(1)(out)
        return tf.keras.Model([state_input, action_input], outputs)

    def policy(state, noise_object):
        sampled_actions = tf.squeeze(actor_model(state))
        noise = noise_object()
        sampled_actions = sampled_actions.numpy() + noise
        legal_action = np.clip(sampled_actions, lower_bound, upper_bound)
        return [np.squeeze(legal_action)]

    std_dev = 0.2
    ou_noise = OUActionNoise(mean=np.zeros(1), std_deviation=float(std_dev) * np.ones(1))
    actor_model = get_actor()
    critic_model = get_critic()
    target_actor = get_actor()
    target_critic = get_critic()
    target_actor.set_weights(actor_model.get_weights())
    target_critic.set_weights(critic_model.get_weights())
    start = [m.get_weights() for m in (actor_model, critic_model)]

    critic_optimizer = tf.keras.optimizers.Adam(0.002)
    actor_optimizer = tf.keras.optimizers.Adam(0.001)
    total_episodes = 1  # SUBST: 100
    gamma = 0.99
    tau = 0.005
    buffer = Buffer(50000, 64)

    ep_reward_list = []
    for ep in range(total_episodes):  # noqa: B007 - as the example writes it
        prev_state = env.reset()
        episodic_reward = 0
        while True:
            tf_prev_state = tf.expand_dims(tf.convert_to_tensor(prev_state), 0)
            action = policy(tf_prev_state, ou_noise)
            state, reward, done, info = env.step(action)
            buffer.record((prev_state, action, reward, state))
            episodic_reward += reward
            targets_before = [w.numpy() for w in target_actor.variables]
            buffer.learn()
            update_target(target_actor.variables, actor_model.variables, tau)
            update_target(target_critic.variables, critic_model.variables, tau)
            if done:
                break
            prev_state = state
        ep_reward_list.append(episodic_reward)

    for model, before in zip((actor_model, critic_model), start):
        assert all(not np.allclose(a, b) for a, b in zip(model.get_weights(), before))
    for target, old, new in zip(target_actor.variables, targets_before, actor_model.variables):
        np.testing.assert_allclose(target.numpy(), new.numpy() * tau + old * (1 - tau), rtol=1e-5, atol=1e-7)
    assert len(ep_reward_list) == 1 and all(-2000 < r < 0 for r in ep_reward_list)

    # Save the weights (SUBST: "pendulum_actor.h5" -> Keras 3's ".weights.h5", which Keras 3 requires)
    actor_model.save_weights("pendulum_actor.weights.h5")
    critic_model.save_weights("pendulum_critic.weights.h5")
    reloaded = get_actor()
    reloaded.load_weights("pendulum_actor.weights.h5")
    for a, b in zip(reloaded.get_weights(), actor_model.get_weights()):
        np.testing.assert_array_equal(a, b)
