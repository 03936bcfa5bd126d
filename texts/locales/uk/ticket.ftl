# Сторінка талона на телефоні відвідувача.
ticket-title = Ваш талон
ticket-your-number = Ваш номер
ticket-waiting = Очікування
ticket-called = Ваша черга!
ticket-serving = Ваша черга: ви біля віконця
ticket-on-hold = Пауза: будь ласка, залишайтеся поруч, ми покличемо вас знову
ticket-done = Завершено. Дякуємо!
ticket-no-show = Ми не побачили, що ви підійшли. Зверніться на рецепцію.
ticket-cancelled = Талон скасовано
ticket-about-minutes = близько { $n } хв
ticket-under-a-minute = менше хвилини
ticket-go-to = Підійдіть до
ticket-updates = Сторінка оновлюється сама.
ticket-privacy = Ця сторінка не містить особистих даних.
ticket-not-found-title = Талон не знайдено
ticket-not-found-text = Цей код не відповідає жодному сьогоднішньому талону: можливо, термін його дії минув. Зверніться на рецепцію, ми тут, щоб допомогти.
ticket-too-many = Забагато запитів із цього телефону. Спробуйте ще раз за хвилину.
