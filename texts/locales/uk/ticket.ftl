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
ticket-expired = Термін дії минув: офіс на сьогодні зачинено
# $when: the day and time it opens next, e.g. 02/12 08:30.
ticket-opens-again = Знову відкриється { $when }.
ticket-expired-what-now = Цей талон більше не дійсний: будь ласка, візьміть новий, коли офіс відкриється.
ticket-about-minutes = близько { $n } хв
ticket-under-a-minute = менше хвилини
ticket-go-to = Підійдіть до
ticket-updates = Сторінка оновлюється сама.
ticket-privacy = Ця сторінка не містить особистих даних.
ticket-not-found-title = Талон не знайдено
ticket-not-found-text = Цей код не відповідає жодному сьогоднішньому талону: можливо, термін його дії минув. Зверніться на рецепцію, ми тут, щоб допомогти.
ticket-too-many = Забагато запитів із цього телефону. Спробуйте ще раз за хвилину.
ticket-between-minutes = від { $lo } до { $hi } хв
